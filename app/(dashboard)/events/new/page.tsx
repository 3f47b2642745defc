import type { Metadata } from "next";
import Link from "next/link";
import { NEW_SUBSCRIPTION } from "@/components/events/form-values";
import { SubscriptionForm } from "@/components/events/subscription-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { subscriptionChoices } from "@/lib/events/store";

export const metadata: Metadata = { title: "New subscription" };

export default async function NewSubscriptionPage() {
  await requireAdmin();
  const choices = await subscriptionChoices();
  return (
    <>
      <p>
        <Link href="/events">← Events</Link>
      </p>
      <PageHeader
        title="New subscription"
        description="Events are POSTed to the callback URL at least once: a receiver may see one twice (same webhook-id) and in any order."
      />
      {choices.services.length === 0 ? (
        <p className="panel">A subscription belongs to a service. <Link href="/services/new">Create a service first</Link>.</p>
      ) : (
        <SubscriptionForm subscription={null} values={NEW_SUBSCRIPTION} choices={choices} />
      )}
    </>
  );
}
