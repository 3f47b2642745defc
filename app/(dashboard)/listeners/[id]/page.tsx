import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EnabledBadge } from "@/components/listeners/badges";
import { formatBytes, targetDetail } from "@/components/listeners/format";
import { ListenerControls } from "@/components/listeners/listener-controls";
import { ListenerSettings } from "@/components/listeners/listener-settings";
import { ListenerUrl } from "@/components/listeners/listener-url";
import { MessagesChart } from "@/components/listeners/messages-chart";
import { MessagesFilter } from "@/components/listeners/messages-filter";
import { MessagesTable } from "@/components/listeners/messages-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { curlExample } from "@/lib/listeners/message";
import { isMessageSort, listMessagesPage, MESSAGE_STATUSES, MESSAGES_DEFAULT_SORT, type TMessageStatus } from "@/lib/listeners/queries";
import { messageStatsByRange } from "@/lib/listeners/stats-query";
import { LISTENER_TARGET_LABELS } from "@/lib/listeners/schema";
import { getListener } from "@/lib/listeners/store";

export const metadata: Metadata = { title: "Listener" };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const statusOf = (v: string | undefined) => (MESSAGE_STATUSES as readonly string[]).includes(v ?? "") ? (v as TMessageStatus) : undefined;

export default async function ListenerPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<TSearchParams> }) {
  const { id } = await params;
  const sp = await searchParams;
  const user = await requireUser();
  const l = await getListener(id);
  if (!l) notFound();
  const admin = user.role === "ADMIN";

  // ?status=: an unknown status shows everything; ?sort=&dir=&page=: an unknown column sorts
  // newest first, a page past the end shows the last one.
  const status = statusOf(first(sp.status));
  const asked = readTableState(sp, "", MESSAGES_DEFAULT_SORT);
  const state = isMessageSort(asked.sort) ? { ...asked, sort: asked.sort } : { ...asked, ...MESSAGES_DEFAULT_SORT };
  const messages = await listMessagesPage(id, { status, ...state });

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
        <p className="muted">Newest first unless you sort by another column. Messages older than {l.retentionDays} day{l.retentionDays === 1 ? "" : "s"} are deleted in the background.</p>
        <MessagesChart stats={await messageStatsByRange(l.id)} />
        <MessagesFilter listenerId={l.id} status={status} order={first(sp.sort) ? { sort: state.sort, dir: state.dir } : undefined} />
        <MessagesTable
          listenerId={l.id}
          messages={messages.items}
          total={messages.total}
          pageSize={messages.pageSize}
          state={{ ...state, page: messages.page }}
          params={sp}
          filtered={Boolean(status)}
        />
      </section>
    </>
  );
}
