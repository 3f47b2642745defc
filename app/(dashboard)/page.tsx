import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";

// The home page is the first section: authentication configurations.
export default async function Home() {
  await requireUser();
  redirect("/auth-configs");
}
