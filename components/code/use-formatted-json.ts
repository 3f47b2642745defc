"use client";
// A JSON body indented for the viewer: small bodies at once, large ones in a Web Worker so that
// the page keeps answering while 10 MB are parsed and indented.
import { useEffect, useMemo, useState } from "react";
import { FORMAT_INLINE_MAX, formatJson, type TFormatted } from "./json-text";

export type TFormatState = { state: "pending" } | { state: "ok"; text: string } | { state: "failed" };

function formatInWorker(bytes: Uint8Array, done: (r: TFormatted | null) => void): () => void {
  let worker: Worker;
  try {
    // A classic worker: Turbopack's worker runtime loads its chunks with importScripts.
    worker = new Worker(new URL("./format.worker.ts", import.meta.url));
  } catch {
    done(null);
    return () => {};
  }
  worker.onmessage = (e: MessageEvent<TFormatted>) => {
    worker.terminate();
    done(e.data);
  };
  worker.onerror = () => {
    worker.terminate();
    done(null);
  };
  worker.postMessage(bytes); // a copy (the caller keeps its bytes for Download raw)
  return () => worker.terminate();
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `bytes` as indented JSON; "failed" when they are not JSON (or no worker could format them). */
export function useFormattedJson(bytes: Uint8Array): TFormatState {
  const inline = useMemo(() => (bytes.byteLength <= FORMAT_INLINE_MAX ? formatJson(decode(bytes)) : null), [bytes]);
  const [done, setDone] = useState<{ bytes: Uint8Array; result: TFormatted } | null>(null);
  useEffect(() => {
    if (bytes.byteLength <= FORMAT_INLINE_MAX) return;
    // Without a worker a large body is not formatted here: the caller shows its beginning as text.
    return formatInWorker(bytes, (r) => setDone({ bytes, result: r ?? { ok: false } }));
  }, [bytes]);
  const result = inline ?? (done?.bytes === bytes ? done.result : null);
  if (!result) return { state: "pending" };
  return result.ok ? { state: "ok", text: result.text } : { state: "failed" };
}
