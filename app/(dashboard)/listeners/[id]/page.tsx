import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EnabledBadge } from "@/components/listeners/badges";
import { formatBytes, targetDetail } from "@/components/listeners/format";
import { ListenerControls } from "@/components/listeners/listener-controls";
import { ListenerSettings } from "@/components/listeners/listener-settings";
import { ListenerUrl } from "@/components/listeners/listener-url";
import { MessagesFilter } from "@/components/listeners/messages-filter";
import { MessagesPager, trailOf } from "@/components/listeners/messages-pager";
import { MessagesTable } from "@/components/listeners/messages-table";
import { AlertMessage } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { curlExample } from "@/lib/listeners/message";
import { listMessages, MESSAGE_STATUSES, type TMessageStatus } from "@/lib/listeners/queries";
import { LISTENER_TARGET_LABELS } from "@/lib/listeners/schema";
import { getListener } from "@/lib/listeners/store";

export const metadata: Metadata = { title: "Listener" };

type TSearch = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const statusOf = (v: string | undefined) => (MESSAGE_STATUSES as readonly string[]).includes(v ?? "") ? (v as TMessageStatus) : undefined;

export default async function ListenerPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: TSearch }) {
  const { id } = await params;
  const sp = await searchParams;
  const user = await requireUser();
  const l = await getListener(id);
  if (!l) notFound();
  const admin = user.role === "ADMIN";

  // ?status=&cursor=&back=: an unknown status shows everything; a broken cursor the newest page.
  const status = statusOf(first(sp.status));
  let cursor = first(sp.cursor);
  let back = trailOf(first(sp.back));
  let badCursor = false;
  let page: Awaited<ReturnType<typeof listMessages>>;
  try {
    page = await listMessages(id, { status, cursor });
  } catch (e) {
    if (!cursor || !isAppError(e)) throw e;
    badCursor = true;
    cursor = undefined;
    back = [];
    page = await listMessages(id, { status });
  }

  const curl = curlExample({ url: l.url, method: l.methods[0] ?? "POST", auth: l.auth });
  const detail = targetDetail(l);

  return (
    <>
      <p>
        <Link href="/listeners">← Listeners</Link>
      </p>
      <PageHeader
        title={l.name}
        description={
          <>
            <EnabledBadge enabled={l.enabled} /> {LISTENER_TARGET_LABELS[l.target]}
            {detail ? ` · ${detail}` : ""}
          </>
        }
      />
      {admin ? <ListenerControls id={l.id} name={l.name} enabled={l.enabled} /> : null}

      <section className="panel" aria-labelledby="listener-settings">
        <h2 id="listener-settings">Settings</h2>
        <ListenerUrl url={l.url} curl={curl} maxBytes={formatBytes(l.sizeLimitBytes)} />
        <ListenerSettings listener={l} />
      </section>

      <section className="panel" aria-labelledby="listener-messages">
        <h2 id="listener-messages">Messages</h2>
        <p className="muted">Newest first. Messages older than {l.retentionDays} day{l.retentionDays === 1 ? "" : "s"} are deleted in the background.</p>
        <MessagesFilter listenerId={l.id} status={status} />
        {badCursor ? <AlertMessage testId="cursor-error">That page link is no longer valid: showing the newest messages.</AlertMessage> : null}
        <MessagesTable messages={page.items} filtered={Boolean(status)} />
        <MessagesPager listenerId={l.id} status={status} cursor={cursor} back={back} nextCursor={page.nextCursor} />
      </section>
    </>
  );
}
