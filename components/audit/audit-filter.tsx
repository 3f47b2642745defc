"use client";
import { useRouter } from "next/navigation";

export function AuditFilter({ objectTypes, current }: { objectTypes: string[]; current: string }) {
  const router = useRouter();
  return (
    <div className="filters">
      <div className="field">
        <label htmlFor="audit-type">Object type</label>
        <select
          id="audit-type"
          value={current}
          onChange={(e) => router.push(e.target.value ? `/audit?type=${encodeURIComponent(e.target.value)}` : "/audit")}
        >
          <option value="">All</option>
          {objectTypes.map((t) => (
            <option key={t} value={t}>{t}</option>
          ))}
        </select>
      </div>
    </div>
  );
}
