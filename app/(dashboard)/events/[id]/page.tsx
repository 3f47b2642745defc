import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/events/badges";
import { DeliveryChart } from "@/components/events/delivery-chart";
import { EnableDeliveryButton } from "@/components/events/enable-delivery";
import { EventsFilter } from "@/components/events/events-filter";
import { EventsTable } from "@/components/events/events-table";
import { formValuesOf } from "@/components/events/form-values";
import { InboundUrl } from "@/components/events/inbound-url";
import { RedeliverFailedForm } from "@/components/events/redeliver-failed";
import { SubscriptionControls } from "@/components/events/subscription-controls";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { EVENTS_DEFAULT_SORT, isEventSort, listEventsPage } from "@/lib/events/queries";
import { deliveryStatsByRange } from "@/lib/events/stats-query";
import { SUBSCRIPTION_TYPE_LABELS, VERIFY_MODE_LABELS, ZEventFilter } from "@/lib/events/schema";
import { FAILING_AFTER, getSubscription, subscriptionChoices } from "@/lib/events/store";

export const metadata: Metadata = { title: "Event subscription" };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const when = (d: Date | null) => (d ? <time dateTime={d.toISOString()}>{formatUtc(d)}</time> : <span className="muted">—</span>);

export default async function SubscriptionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<TSearchParams> }) {
  const { id } = await params;
  const sp = await searchParams;
  const user = await requireUser();
  const s = await getSubscription(id);
  if (!s) notFound();
  const admin = user.role === "ADMIN";
  const polling = s.type === "POLLING";

  // ?type=&status=: an unknown filter value shows everything; ?sort=&dir=&page=: an unknown column
  // sorts newest first, a page past the end shows the last one.
  const filter = {
    type: ZEventFilter.shape.type.safeParse(first(sp.type)).data,
    status: ZEventFilter.shape.status.safeParse(first(sp.status)).data,
  };
  const asked = readTableState(sp, "", EVENTS_DEFAULT_SORT);
  const state = isEventSort(asked.sort) ? { ...asked, sort: asked.sort } : { ...asked, ...EVENTS_DEFAULT_SORT };
  const events = await listEventsPage(id, { ...filter, ...state });
  const choices = admin ? await subscriptionChoices() : null;

  return (
    <>
      <p>
        <Link href="/events">← Events</Link>
      </p>
      <PageHeader
        title={s.name}
        description={
          <>
            <StatusBadge status={s.status} /> {SUBSCRIPTION_TYPE_LABELS[s.type]} · Service {s.serviceName} · {s.environmentName ? `Environment ${s.environmentName}` : "No environment (defaults)"}
          </>
        }
      />
      {s.deliveryDisabledReason ? (
        <div role="alert" className="message error" data-testid="delivery-stopped">
          <p>Delivery is stopped: {s.deliveryDisabledReason} New events are stored and wait until delivery is enabled again.</p>
          {admin ? <EnableDeliveryButton subscriptionId={s.id} /> : null}
        </div>
      ) : null}
      {admin && choices ? (
        <SubscriptionControls
          name={s.name}
          polling={polling}
          paused={s.paused}
          subscription={{ id: s.id, hasSigningKey: s.hasSigningKey, previousKeyUntil: s.previousKeyUntil, hasVerifySecret: s.hasVerifySecret, verifyMode: s.verifyMode }}
          values={formValuesOf(s)}
          choices={choices}
        />
      ) : null}

      <section className="panel" aria-labelledby="subscription-settings">
        <h2 id="subscription-settings">Settings</h2>
        {s.hookUrl ? <InboundUrl url={s.hookUrl} /> : null}
        <dl className="facts">
          <dt>Service</dt>
          <dd>{s.serviceName}</dd>
          <dt>Environment</dt>
          <dd>{s.environmentName ?? "No environment (defaults)"}</dd>
          <dt>Type</dt>
          <dd>{SUBSCRIPTION_TYPE_LABELS[s.type]}</dd>
          <dt>Callback URL</dt>
          <dd className="mono">{s.callbackUrl}</dd>
          <dt>Signature key</dt>
          <dd>
            {s.hasSigningKey ? "A key is set" : "None: deliveries are not signed"}
            {s.previousKeyUntil ? `; the previous key also signs until ${formatUtc(s.previousKeyUntil)}` : ""}
          </dd>
          {polling ? (
            <>
              <dt>Refresh interval</dt>
              <dd>{s.refreshMinutes} min</dd>
              <dt>Resources</dt>
              <dd>{s.resources.map((r) => r.name).join(", ")}</dd>
              <dt>Last poll</dt>
              <dd data-testid="last-poll">{when(s.lastPollAt)}</dd>
              <dt>Next poll</dt>
              <dd>{s.paused ? <span className="muted">Paused</span> : when(s.nextPollAt)}</dd>
              <dt>Last poll error</dt>
              <dd data-testid="last-poll-error">{s.lastPollError ? <span className="status-bad">{s.lastPollError}</span> : <span className="muted">—</span>}</dd>
              <dt>Consecutive failures</dt>
              <dd>{s.consecutiveFailures}{s.consecutiveFailures > 0 ? <span className="muted"> (shown as Failing from {FAILING_AFTER})</span> : null}</dd>
            </>
          ) : (
            <>
              <dt>Sender verification</dt>
              <dd>{VERIFY_MODE_LABELS[s.verifyMode]}{s.verifyMode === "HMAC_SHA256" && s.verifyHeader ? ` in ${s.verifyHeader}` : ""}</dd>
            </>
          )}
          <dt>Events (24 h)</dt>
          <dd>{s.events24h}</dd>
          <dt>Failing deliveries</dt>
          <dd>{s.failingDeliveries}</dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="subscription-events">
        <h2 id="subscription-events">Events</h2>
        <p className="muted">
          Newest first unless you sort by another column. Each event is POSTed to the callback URL at least once, retried with backoff until delivered or dead-lettered; the order
          of deliveries is not guaranteed.
        </p>
        <DeliveryChart stats={await deliveryStatsByRange(s.id)} />
        <EventsFilter subscriptionId={s.id} type={filter.type} status={filter.status} order={first(sp.sort) ? { sort: state.sort, dir: state.dir } : undefined} />
        <EventsTable
          subscriptionId={s.id}
          events={events.items}
          total={events.total}
          pageSize={events.pageSize}
          state={{ ...state, page: events.page }}
          params={sp}
          filtered={Boolean(filter.type || filter.status)}
          nextStep={
            polling
              ? s.paused
                ? "The subscription is paused: resume it to poll again."
                : "Events appear after the next poll finds new or changed items; an administrator can also use Poll now above."
              : "Events appear when the service sends a webhook to the Inbound URL above."
          }
        />
        {admin ? (
          <>
            <h3>Redeliver failed since…</h3>
            <RedeliverFailedForm subscriptionId={s.id} />
          </>
        ) : null}
      </section>
    </>
  );
}
