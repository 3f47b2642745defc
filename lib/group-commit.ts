// Group commit (SPEC §9–§10: inbound messages stored before their 202): writes that arrive together
// go in one transaction, so many concurrent senders cost a few transactions instead of one each, and
// each caller still hears back only once its own write has committed. A group starts on the next
// turn of the event loop (setImmediate), after the requests already read in this one have queued
// their writes: the SQLite driver is synchronous, so a transaction started at once would run to its
// commit before the server reads the next request, and every group would hold one write. One bad
// write does not sink its companions: a group that fails on its data is written again one by one, and
// only the write at fault gets the error (a database that is busy or down fails the whole group).
import { driverErrorKind, type TDb, type TTx } from "@/lib/db";

export type TGroupWrite<TIn, TOut> = (tx: TTx, items: TIn[]) => Promise<TOut[]>;

type TPending<TIn, TOut> = { item: TIn; resolve: (v: TOut) => void; reject: (e: unknown) => void };

export class GroupCommit<TIn, TOut> {
  private queue: Array<TPending<TIn, TOut>> = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly db: () => TDb,
    /** Writes the items in the transaction; one result per item, in order. */
    private readonly write: TGroupWrite<TIn, TOut>,
    private readonly opts: {
      /** Writes per group (default 200). */
      maxBatch?: number;
      /** With `weight`: a group stops growing past this total (at least one write per group). */
      maxWeight?: number;
      /** An item's share of maxWeight (a message's body size). */
      weight?: (item: TIn) => number;
    } = {},
  ) {}

  /** Resolves with the item's result once the transaction holding it has committed. */
  submit(item: TIn): Promise<TOut> {
    return new Promise<TOut>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.flushing || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.groupSize()));
    } finally {
      this.flushing = false;
    }
  }

  /** How many queued writes the next group takes. */
  private groupSize(): number {
    const max = Math.min(this.queue.length, this.opts.maxBatch ?? 200);
    const { weight, maxWeight } = this.opts;
    if (!weight || maxWeight === undefined) return max;
    let total = 0;
    for (let n = 0; n < max; n++) {
      total += weight(this.queue[n]!.item);
      if (total > maxWeight) return Math.max(1, n);
    }
    return max;
  }

  private async commit(group: Array<TPending<TIn, TOut>>): Promise<void> {
    try {
      const out = await this.run(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(out[i]!));
    } catch (e) {
      // Only an error of one write (a constraint, a value too long: Prisma's P2xxx) is worth
      // writing the others again for; a database that is busy, down or full fails them all.
      if (group.length === 1 || !isWriteError(e)) {
        for (const p of group) p.reject(e);
        return;
      }
      for (const p of group) {
        try {
          p.resolve((await this.run([p.item]))[0]!);
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  private async run(items: TIn[]): Promise<TOut[]> {
    return this.db().$transaction(
      async (tx) => {
        const out = await this.write(tx, items);
        // Checked before the commit: a group that failed after committing would be written again
        // (one by one) and stored twice.
        if (out.length !== items.length) throw new Error(`group commit: ${out.length} results for ${items.length} writes`);
        return out;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
  }
}

/**
 * A Prisma error about the data written (P2xxx: unique or foreign key constraint, value too long,
 * ...). A raw query's failure (P2010) counts only when the driver says it was a constraint.
 */
function isWriteError(e: unknown): boolean {
  if (!e || typeof e !== "object" || !("code" in e) || typeof e.code !== "string" || !/^P2\d{3}$/.test(e.code)) return false;
  if (e.code !== "P2010") return true;
  return /ConstraintViolation$|TooLong$|OutOfRange$/.test(driverErrorKind(e) ?? "");
}
