"use client";
import { useRouter } from "next/navigation";
import type { TSearchParams } from "@/components/ui/data-table-model";

/** Another type starts again on page 1; the table's sort stays. */
function filterHref(params: TSearchParams, type: string): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k !== "type" && k !== "page" && typeof v === "string") next.set(k, v);
  }
  if (type) next.set("type", type);
  const s = next.toString();
  return s ? `/audit?${s}` : "/audit";
}

export function AuditFilter({ objectTypes, current, params }: { objectTypes: string[]; current: string; params: TSearchParams }) {
  const router = useRouter();
  return (
    <div className="filters">
      <div className="field">
        <label htmlFor="audit-type">Object type</label>
        <select id="audit-type" value={current} onChange={(e) => router.push(filterHref(params, e.target.value))}>
          <option value="">All</option>
          {objectTypes.map((t) => (
            <option key={t} value={t}>{t}</option>
          ))}
        </select>
      </div>
    </div>
  );
}
