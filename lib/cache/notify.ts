import "server-only";
// A PostgreSQL LISTEN connection that survives losing its server (SPEC §12: cache invalidation
// across instances, lib/cache/invalidation.ts). It is a connection of its own, outside the Prisma
// pool: LISTEN belongs to a session, and a pooled connection is handed to whoever asks next.
// PostgreSQL does not keep notifications for a session that is gone, so after a lost connection it
// reconnects with backoff and then calls onReconnect: whatever was sent meanwhile is unknown.
import pg from "pg";
import { CONNECT_TIMEOUT_MS } from "@/lib/pg-adapter";

export type TChannelListenerOptions = {
  url: string;
  channel: string;
  /** Each notification's payload, in the order the senders committed. */
  onMessage: (payload: string) => void;
  /** After a lost connection listens again (not after the first start): messages may have been missed. */
  onReconnect: () => void;
  /** application_name of the connection, to recognise it in pg_stat_activity. */
  application: string;
  /** Wait before the first reconnect attempt; it doubles with each failed one, up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (message: string, error?: unknown) => void;
};

export class PgChannelListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private failures = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: TChannelListenerOptions) {}

  /** Connects and listens. Rejects when this first connection fails (the database is not reachable). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether a connection is listening now (false while reconnecting). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Ends the connection; no reconnect after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private log(message: string, error?: unknown): void {
    if (this.opts.log) return this.opts.log(message, error);
    console.error(`[patchbay] ${message}${error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`}`);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, application_name: this.opts.application, keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A client that emits "error" without a listener would crash the process.
    client.on("error", (e) => this.lost(client, e));
    client.on("end", () => this.lost(client));
    client.on("notification", (n) => {
      if (n.channel !== this.opts.channel || n.payload === undefined) return;
      // Thrown from here, an error would surface inside pg's socket handling.
      try {
        this.opts.onMessage(n.payload);
      } catch (e) {
        this.log(`a message on ${this.opts.channel} could not be handled`, e);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.opts.channel)}`);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  /** The current connection ended or failed: drop it and try again later. */
  private lost(client: pg.Client, error?: unknown): void {
    if (client !== this.client) return; // an earlier connection, a failed attempt, or stop()
    this.client = null;
    this.log(`lost the LISTEN connection for ${this.opts.channel}; reconnecting`, error);
    void client.end().catch(() => {});
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped) return;
    const min = this.opts.minBackoffMs ?? 100;
    const delay = Math.min(this.opts.maxBackoffMs ?? 5_000, min * 2 ** Math.min(this.failures, 16));
    this.failures++;
    this.timer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
    } catch (e) {
      this.log(`could not listen for ${this.opts.channel} again (attempt ${this.failures})`, e);
      this.retryLater();
      return;
    }
    if (!this.client) return; // stopped meanwhile
    this.failures = 0;
    this.opts.onReconnect();
  }
}
