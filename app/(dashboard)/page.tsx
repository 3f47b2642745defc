import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";

// The home page is the first section the user may open.
export default async function Home() {
  const user = await requireUser();
  redirect(user.role === "ADMIN" ? "/users" : "/account");
}
