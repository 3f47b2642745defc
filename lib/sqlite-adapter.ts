// The libsql driver adapter with a busy timeout. SQLite answers SQLITE_BUSY at once when another
// connection (another process: a worker, `npm run secrets:rotate`, an e2e seeding step) holds the
// write lock; Prisma reports that as "Operation has timed out". libsql's client has no busy-timeout
// option and opens a fresh connection after every transaction, so the pragma is set on each
// connection as it comes into use.
//
// Trade-off: libsql's driver is synchronous, so while another process holds the write lock the
// busy wait blocks this process's event loop (up to BUSY_TIMEOUT_MS). In the embedded default only
// maintenance scripts write beside the app, briefly; multi-instance deployments use PostgreSQL.
// An asynchronous retry instead of the busy wait was tried and lost to the other process's tight
// loop of transactions (starvation) and to Prisma's own transaction timeouts.
import type { Client, Config, InStatement, Transaction, TransactionMode } from "@libsql/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

export const BUSY_TIMEOUT_MS = 10_000;
const PRAGMA = `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`;

function withBusyTimeout(inner: Client, isFile: boolean): Client {
  // The client's own connection is replaced whenever a transaction takes it over.
  let needsPragma = true;
  const ready = async () => {
    if (!needsPragma) return;
    needsPragma = false;
    await inner.execute(PRAGMA);
    // WAL lets readers go on while one connection writes; it is a property of the file.
    if (isFile) await inner.execute("PRAGMA journal_mode = WAL");
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      switch (prop) {
        case "execute":
          return async (stmt: InStatement) => { await ready(); return target.execute(stmt); };
        case "batch":
          return async (stmts: InStatement[], mode?: TransactionMode) => { await ready(); return target.batch(stmts, mode); };
        case "executeMultiple":
          return async (sql: string) => { await ready(); return target.executeMultiple(sql); };
        case "transaction":
          // Prisma's adapter asks for "deferred". A deferred transaction that reads and then
          // writes fails at once with SQLITE_BUSY when another connection wrote in between (the
          // busy handler is not consulted, to avoid deadlock). "write" (BEGIN IMMEDIATE) takes the
          // write lock up front and waits for it under the busy timeout instead.
          return async (): Promise<Transaction> => {
            await ready(); // the transaction runs on the client's current connection
            const tx = await target.transaction("write");
            needsPragma = true; // the client opens a new connection for what follows
            return tx;
          };
        default: {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
}

/** Use instead of PrismaLibSQL everywhere the app, its scripts and its tests open the database. */
export class PatchbayLibSQL extends PrismaLibSQL {
  override createClient(config: Config): Client {
    return withBusyTimeout(super.createClient(config), config.url.startsWith("file:"));
  }
}
