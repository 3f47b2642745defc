import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formValuesOf, storedListenerOf } from "@/components/listeners/form-values";
import { ListenerForm } from "@/components/listeners/listener-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { getListener, listenerChoices, listenerUrlOf } from "@/lib/listeners/store";

export const metadata: Metadata = { title: "Edit listener" };

export default async function EditListenerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin();
  const [listener, choices] = await Promise.all([getListener(id), listenerChoices()]);
  if (!listener) notFound();
  return (
    <>
      <p>
        <Link href={`/listeners/${id}`}>← {listener.name}</Link>
      </p>
      <PageHeader title={`Edit ${listener.name}`} description="Secrets are never shown: leave a secret empty to keep the stored one." />
      <ListenerForm listener={storedListenerOf(listener)} values={formValuesOf(listener)} choices={choices} urlPrefix={listenerUrlOf("")} />
    </>
  );
}
