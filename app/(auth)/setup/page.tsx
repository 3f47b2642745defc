import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/users/setup-form";
import { userCount } from "@/lib/users/manage";

export const metadata: Metadata = { title: "First-run setup" };

// Only while no user exists; afterwards this page is gone for everybody.
export default async function SetupPage() {
  if ((await userCount()) > 0) redirect("/login");
  return (
    <>
      <h1>Welcome to Patchbay</h1>
      <p className="muted">Create the first administrator account.</p>
      <SetupForm />
    </>
  );
}
