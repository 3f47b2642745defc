// "Needs attention": one entry per problem, errors first, each a link to the page where it is fixed.
// Severity is said in words, not colour alone.
import Link from "next/link";
import type { TAttentionItem } from "@/lib/dashboard/attention";

const SEVERITY_LABEL = { error: "Error", warning: "Warning" } as const;

export function AttentionList({ items }: { items: TAttentionItem[] }) {
  return (
    <section className="dashboard-section panel" aria-labelledby="dashboard-attention-title">
      <h2 id="dashboard-attention-title">Needs attention</h2>
      {items.length === 0 ? (
        <p role="status" className="muted" data-testid="attention-empty">Nothing needs attention.</p>
      ) : (
        <ul className="attention-list" role="list" data-testid="attention-list">
          {items.map((item) => (
            <li key={`${item.kind}:${item.href}:${item.title}`} className={`attention-item ${item.severity}`} data-testid={`attention-${item.kind}`}>
              <span className={`attention-badge ${item.severity}`}>{SEVERITY_LABEL[item.severity]}</span>
              <div className="attention-body">
                <h3 className="attention-title">
                  <Link href={item.href}>{item.title}</Link>
                </h3>
                {item.detail ? <p className="attention-detail">{item.detail}</p> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
