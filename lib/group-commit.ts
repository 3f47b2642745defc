// Group commit (SPEC §9–§10: inbound messages stored before their 202): writes that arrive together
// go in one transaction, so many concurrent senders cost a few transactions instead of one each, and
// each caller still hears back only once its own write has committed. A group starts on the next
// turn of the event loop (setImmediate), after the requests already read in this one have queued
// their writes: the SQLite driver is synchronous, so a transaction started at once would run to its
// commit before the server reads the next request, and every group would hold one write. One bad
// write does not sink its companions: a failed group is written again one by one, and only the
// write at fault gets the error.
import type { TDb, TTx } from "@/lib/db";

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
    private readonly opts: { maxBatch?: number } = {},
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
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.opts.maxBatch ?? 200);
        await this.commit(group);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(group: Array<TPending<TIn, TOut>>): Promise<void> {
    try {
      const out = await this.run(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(out[i]!));
    } catch (e) {
      if (group.length === 1) {
        group[0]!.reject(e);
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
