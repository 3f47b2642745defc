"use client";
// Running a server action from a button: a pending flag while it runs, and its outcome to show
// (role="status" when it worked, role="alert" with the reason when not); a call that never reaches
// the server is a failure with a message of its own, and a success refreshes the page's data.
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { TActionResult } from "@/lib/actions/safe-action";

export const UNREACHABLE = "The server could not be reached. Check your connection and try again.";

export function useAction<TIn, TOut>(action: (input: TIn) => Promise<TActionResult<TOut>>) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: true; data: TOut } | { ok: false; error: string } | null>(null);
  const run = async (input: TIn): Promise<void> => {
    setPending(true);
    setResult(null);
    try {
      const res = await action(input);
      setResult(res.ok ? { ok: true, data: res.data } : { ok: false, error: res.error });
      if (res.ok) router.refresh();
    } catch {
      setResult({ ok: false, error: UNREACHABLE });
    } finally {
      setPending(false);
    }
  };
  return { pending, result, error: result && !result.ok ? result.error : null, run };
}
