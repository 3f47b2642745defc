// What one "Poll now" did, per resource: "N events from M items" (role="status"), or why a resource
// failed (role="alert"); a poll whose results were discarded says why.
import type { TPollResult } from "@/lib/events/poll";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function PollResult({ outcome }: { outcome: { result: TPollResult } | { error: string } }) {
  return <div data-testid="poll-result">{"error" in outcome ? <div role="alert" className="message error">{outcome.error}</div> : <Outcome result={outcome.result} />}</div>;
}

function Outcome({ result }: { result: TPollResult }) {
  if (!result.committed) return <div role="status" className="message">Nothing was recorded. {result.reason}</div>;
  const ok = result.resources.filter((r) => r.error === null);
  const failed = result.resources.filter((r) => r.error !== null);
  return (
    <>
      {ok.length ? (
        <div role="status" className="message success">
          Polled: {plural(result.events, "event")} stored.
          <ul>
            {ok.map((r) => (
              <li key={r.resource}>
                {r.resource}: {plural(r.events, "event")} from {plural(r.items, "item")}
                {r.pages > 1 ? ` (${r.pages} pages)` : ""}
                {r.stoppedAtPageLimit ? "; more pages were announced after the page limit" : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {failed.length ? (
        <div role="alert" className="message error">
          The poll failed for {plural(failed.length, "resource")}: nothing was emitted for {failed.length === 1 ? "it" : "them"} and the cursor is unchanged.
          <ul>
            {failed.map((r) => (
              <li key={r.resource}>
                {r.resource}: <span className="mono">{r.error}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
