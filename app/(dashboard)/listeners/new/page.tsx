import type { Metadata } from "next";
import Link from "next/link";
import { NEW_LISTENER } from "@/components/listeners/form-values";
import { ListenerForm } from "@/components/listeners/listener-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { listenerChoices, listenerUrlOf } from "@/lib/listeners/store";

export const metadata: Metadata = { title: "New listener" };

export default async function NewListenerPage() {
  await requireAdmin();
  const choices = await listenerChoices();
  return (
    <>
      <p>
        <Link href="/listeners">← Listeners</Link>
      </p>
      <PageHeader
        title="New listener"
        description="Senders get 202 Accepted only once their message is stored; what happens next (forward or connector) runs in the background, with retries."
      />
      <ListenerForm listener={null} values={NEW_LISTENER} choices={choices} urlPrefix={listenerUrlOf("")} />
    </>
  );
}
