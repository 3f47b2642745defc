// The libsql driver adapter with a busy timeout. SQLite answers SQLITE_BUSY at once when another
// connection (another process: a worker, `npm run secrets:rotate`, an e2e seeding step) holds the
// write lock; Prisma reports that as "Operation has timed out". libsql's client has no busy-timeout
// option, so the pragma is set on the connection as it comes into use; transactions run on that
// same connection (see sameConnectionTransaction).
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

/** A transaction already begun on `client`'s connection: COMMIT or ROLLBACK ends it there. */
function sameConnectionTransaction(client: Client): Transaction {
  let closed = false;
  const end = async (sql: "COMMIT" | "ROLLBACK") => {
    if (closed) return;
    try {
      await client.execute(sql);
      closed = true;
    } catch (e) {
      if (sql === "COMMIT") {
        // Leave the connection usable for the next statement, then report the failed commit.
        await client.execute("ROLLBACK").catch(() => undefined);
        closed = true;
      }
      throw e;
    }
  };
  return {
    execute: (stmt: InStatement) => client.execute(stmt),
    batch: async (stmts: InStatement[]) => {
      const results = [];
      for (const stmt of stmts) results.push(await client.execute(stmt));
      return results;
    },
    executeMultiple: (sql: string) => client.executeMultiple(sql),
    commit: () => end("COMMIT"),
    rollback: () => end("ROLLBACK").catch(() => undefined),
    close: () => void end("ROLLBACK").catch(() => undefined),
    get closed() {
      return closed;
    },
  };
}

function withBusyTimeout(inner: Client, isFile: boolean): Client {
  // Set once on the client's connection (transactions run on it too, see below).
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
          // Prisma's adapter holds its own mutex from the start of a transaction to its end, so no
          // other statement of this process runs meanwhile: the transaction can use the client's one
          // connection instead of libsql's (which hands its connection over and opens a new one for
          // whatever follows — a new file handle and pragmas per transaction, 1+ ms each).
          // BEGIN IMMEDIATE, not Prisma's "deferred": a deferred transaction that reads and then
          // writes fails at once with SQLITE_BUSY when another connection wrote in between (the
          // busy handler is not consulted, to avoid deadlock); IMMEDIATE takes the write lock up
          // front and waits for it under the busy timeout instead.
          return async (): Promise<Transaction> => {
            await ready();
            await target.execute("BEGIN IMMEDIATE");
            return sameConnectionTransaction(target);
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
