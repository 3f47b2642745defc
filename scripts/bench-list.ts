// The Connectors list with 5,000 connectors (issue 4: "paging that stays fast"): the same queries
// the page runs (lib/connectors/store.ts listConnectors) on a throw-away SQLite database, against
// a baseline of the same queries over 50 connectors. Prints median and p95 per query and the
// ratio to the baseline. Informational, like the request-path benchmark: no pass/fail in tests.
import { useTempAppDatabase as openTempAppDatabase } from "@/lib/testing/temp-db";

const ROUNDS = 60;

type TQuery = { label: string; query: { q: string; serviceId: string; sort: "name" | "-name" | "created" | "-created"; page: number } };

async function seed(db: Awaited<ReturnType<typeof openTempAppDatabase>>["db"], count: number, prefix: string) {
  const config = await db.authConfig.create({ data: { name: `${prefix} config`, protocol: "NONE", subProtocol: "NONE", settings: {}, secrets: {} } });
  const services: { id: string }[] = [];
  for (let s = 0; s < 20; s++) services.push(await db.service.create({ data: { name: `${prefix} service ${s}`, authConfigId: config.id } }));
  const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `${prefix} connector ${String(i).padStart(5, "0")}`,
    description: `Does thing number ${i} for ${i % 7 === 0 ? `${prefix}-invoices` : "customers"}`,
    serviceId: services[i % services.length].id,
    method: methods[i % methods.length],
    urlTemplate: `https://api.example/${prefix}/${i}/{id}`,
    headers: [],
    queryParams: [],
    formParams: [],
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
  }));
  for (let i = 0; i < rows.length; i += 500) await db.connector.createMany({ data: rows.slice(i, i + 500) });
  return services[3].id;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] };
}

export async function benchList(): Promise<void> {
  const { temp, db } = await openTempAppDatabase({ prefix: "patchbay-bench-list-" });
  const { listConnectors } = await import("@/lib/connectors/store");
  try {
    const queries = (prefix: string, serviceId: string, pages: number): TQuery[] => [
      { label: "first page, by name", query: { q: prefix, serviceId: "", sort: "name", page: 1 } },
      { label: "last page, by name", query: { q: prefix, serviceId: "", sort: "name", page: pages } },
      { label: "newest first, middle page", query: { q: prefix, serviceId: "", sort: "-created", page: Math.ceil(pages / 2) } },
      { label: "search a description word", query: { q: `${prefix}-invoices`, serviceId: "", sort: "name", page: 1 } },
      { label: "filter by service", query: { q: "", serviceId, sort: "name", page: 1 } },
    ];
    const measure = async (q: TQuery) => {
      const samples: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        const res = await listConnectors(q.query);
        samples.push(performance.now() - t0);
        if (res.rows.length === 0) throw new Error(`no rows for ${q.label}`);
      }
      return stats(samples);
    };
    // Baseline first, while the table holds only the 50; then the same queries with 5,000 more.
    const smallQ = queries("small", await seed(db, 50, "small"), 1);
    for (const q of smallQ) await measure(q); // warm-up
    const baseline = [];
    for (const q of smallQ) baseline.push(await measure(q));
    const bigQ = queries("big", await seed(db, 5_000, "big"), 100);
    for (const q of bigQ) await measure(q);
    console.log(`\nConnectors list: 5,000 connectors vs 50 (SQLite file, ${ROUNDS} runs per query, listConnectors as the page calls it)`);
    console.log("query".padEnd(30) + "50: p50".padStart(11) + "5,050: p50".padStart(13) + "5,050: p95".padStart(13) + "ratio p50".padStart(11));
    console.log("-".repeat(78));
    for (let i = 0; i < smallQ.length; i++) {
      const a = baseline[i];
      const b = await measure(bigQ[i]);
      console.log(
        smallQ[i].label.padEnd(30) + `${a.p50.toFixed(2)} ms`.padStart(11) + `${b.p50.toFixed(2)} ms`.padStart(13) + `${b.p95.toFixed(2)} ms`.padStart(13) + `${(b.p50 / a.p50).toFixed(1)}×`.padStart(11),
      );
    }
  } finally {
    await db.$disconnect();
    await temp.cleanup();
  }
}
