// Real processes for the crash tests (STYLE 17: spawn, kill with SIGKILL, start again): a child
// runs a TypeScript file through tsx with its settings as one JSON argument and says on stdout when
// it is ready; its stderr is kept to explain a failure. Every child a test file starts is killed
// by killAll(), also after a failed test.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export type TExit = { code: number | null; signal: NodeJS.Signals | null };
export type TTestProcess<R> = { label: string; proc: ChildProcess; exited: Promise<TExit>; output: () => string; ready: R };

/** A child compiles TypeScript and opens Prisma, maybe on a busy machine. */
const START_DEADLINE_MS = 30_000;

export class TestProcesses {
  private readonly living = new Set<ChildProcess>();

  /**
   * Starts `script` with `settings`; resolves once a line of its stdout is accepted by `ready`
   * (which returns what the line tells, or undefined for other lines). Rejects with the child's
   * stderr when it exits first or is not ready in time.
   */
  async start<R>(label: string, script: string, settings: unknown, ready: (line: string) => R | undefined): Promise<TTestProcess<R>> {
    return this.startNode(label, ["--import", "tsx", "--conditions=react-server", script, JSON.stringify(settings)], undefined, ready);
  }

  /** As start(), for any node command line and environment (the app's own server.ts, say); without `env` the child inherits this process's. */
  async startNode<R>(label: string, args: string[], env: NodeJS.ProcessEnv | undefined, ready: (line: string) => R | undefined): Promise<TTestProcess<R>> {
    const proc = spawn(process.execPath, args, { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
    this.living.add(proc);
    const chunks: string[] = [];
    proc.stderr!.on("data", (d: Buffer) => chunks.push(d.toString()));
    const output = () => chunks.join("");
    const exited = new Promise<TExit>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
    const lines = createInterface({ input: proc.stdout! });
    let timer: NodeJS.Timeout | undefined;
    try {
      const told = await Promise.race([
        new Promise<R>((resolve) =>
          lines.on("line", (l) => {
            const r = ready(l);
            if (r !== undefined) resolve(r);
          }),
        ),
        exited.then((e) => Promise.reject(new Error(`process ${label} exited before it was ready (${e.code ?? e.signal}):\n${output()}`))),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`process ${label} not ready within ${START_DEADLINE_MS} ms:\n${output()}`)), START_DEADLINE_MS))),
      ]);
      return { label, proc, exited, output, ready: told };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `sig` and waits for the process to end (SIGKILL: no chance to clean up). */
  async signal(c: TTestProcess<unknown>, sig: NodeJS.Signals, deadlineMs = 20_000): Promise<TExit> {
    c.proc.kill(sig);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        c.exited,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`process ${c.label} still running ${deadlineMs} ms after ${sig}:\n${c.output()}`)), deadlineMs))),
      ]);
    } finally {
      clearTimeout(timer);
      this.living.delete(c.proc);
    }
  }

  /** Kills (SIGKILL) every child still running. */
  async killAll(): Promise<void> {
    const waits: Array<Promise<unknown>> = [];
    for (const p of this.living) {
      if (p.exitCode === null && p.signalCode === null) {
        waits.push(new Promise((r) => p.once("exit", r)));
        p.kill("SIGKILL");
      }
    }
    this.living.clear();
    await Promise.all(waits);
  }
}

/** The first JSON line a child prints (its "ready" message). */
export const jsonLine = <R>(line: string): R | undefined => (line.startsWith("{") ? (JSON.parse(line) as R) : undefined);

/** Polls until `check` holds; a generous deadline: only the outcome is asserted, never the speed. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000, children: Array<{ label: string; output: () => string }> = []): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}${children.map((c) => `\n--- process ${c.label}:\n${c.output()}`).join("")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
