import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConnectorResult } from "@/components/listeners/connector-result";
import { AttemptsTable } from "@/components/ui/attempts-table";
import { MessageBody } from "@/components/listeners/message-body";
import { MessageFacts } from "@/components/listeners/message-facts";
import { MessageHeaders } from "@/components/listeners/message-headers";
import { ReplayButton } from "@/components/listeners/replay-button";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { bodyPreview } from "@/lib/listeners/message";
import { getMessage } from "@/lib/listeners/queries";
import { getListener } from "@/lib/listeners/store";

export const metadata: Metadata = { title: "Message" };

export default async function MessagePage({ params }: { params: Promise<{ id: string; messageId: string }> }) {
  const { id, messageId } = await params;
  const user = await requireUser();
  const [m, listener] = await Promise.all([getMessage(messageId), getListener(id)]);
  if (!m || !listener || m.listenerId !== id) notFound();
  const storeOnly = listener.target === "STORE";
  return (
    <>
      <p>
        <Link href={`/listeners/${id}`}>← {listener.name}</Link>
      </p>
      <PageHeader title="Message" description={<>Message <span className="mono">{m.id}</span> of {listener.name}</>} />
      <section className="panel" aria-labelledby="message-facts">
        <h2 id="message-facts">Details</h2>
        <MessageFacts message={m} />
        {user.role === "ADMIN" ? <ReplayButton messageId={m.id} listenerId={id} storeOnly={storeOnly} /> : null}
      </section>

      <section className="panel" aria-labelledby="message-headers">
        <h2 id="message-headers">Headers</h2>
        <MessageHeaders headers={m.headers} />
      </section>

      <section className="panel" aria-labelledby="message-body">
        <h2 id="message-body">Body</h2>
        <MessageBody preview={bodyPreview(m.contentType, m.body)} downloadHref={`/listeners/${id}/${m.id}/raw`} />
      </section>

      {m.result ? (
        <section className="panel" aria-labelledby="message-result">
          <h2 id="message-result">Connector result</h2>
          <ConnectorResult result={m.result} />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="message-attempts">
        <h2 id="message-attempts">Attempts</h2>
        <AttemptsTable attempts={m.attempts} label="Hand-off attempts, oldest first" empty={storeOnly ? "No attempts: this listener only stores its messages." : "No attempts yet."} />
      </section>
    </>
  );
}
