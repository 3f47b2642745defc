// Work a batch handler lets run on past the end of its batch. A batch's jobs complete together, so
// one slow member (a receiver that times out after 15 s, an upstream paging slowly) would hold the
// batch's slot — and the work of every job in it — until it ends. After a while the handler records
// what finished and hands the slow rest over here, up to a bound per process (beyond it the batch
// waits, as before: back-pressure). A straggler's job is already completed: if the process dies
// first, the chain's sweep (lib/events/worker.ts, lib/listeners/worker.ts) sends it again once it
// is overdue, so at-least-once holds; a straggler that finishes records its own outcome, under the
// same seq checks as any job.
export class Stragglers {
  private running = 0;

  constructor(
    private readonly max: number,
    private readonly log: (message: string, error: unknown) => void = (m, e) => console.error(`[patchbay] ${m}`, e),
  ) {}

  /** Takes all of `work` (true), or none of it when that would pass the bound (false). */
  adopt(work: Array<Promise<unknown>>, what: string): boolean {
    if (this.running + work.length > this.max) return false;
    for (const w of work) {
      this.running++;
      w.catch((e) => this.log(`${what} failed after its batch ended`, e)).finally(() => this.running--);
    }
    return true;
  }
}
