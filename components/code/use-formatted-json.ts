"use client";
// A JSON body indented for the viewer: small bodies at once, large ones in a Web Worker so that
// the page keeps answering while 10 MB are parsed and indented.
import { useEffect, useMemo, useState } from "react";
import { FORMAT_INLINE_MAX, formatJson, type TFormatChunk, type TJsonText } from "./json-text";

export type TFormatState = { state: "pending" } | { state: "ok"; text: TJsonText } | { state: "failed" };

function formatInWorker(bytes: Uint8Array, done: (r: TJsonText | null) => void): () => void {
  let worker: Worker;
  try {
    // A classic worker: Turbopack's worker runtime loads its chunks with importScripts.
    worker = new Worker(new URL("./format.worker.ts", import.meta.url));
  } catch {
    done(null);
    return () => {};
  }
  const chunks: string[][] = [];
  worker.onmessage = (e: MessageEvent<TFormatChunk>) => {
    if (!e.data.ok) {
      worker.terminate();
      done(null);
      return;
    }
    chunks.push(e.data.lines);
    if (!e.data.last) return;
    worker.terminate();
    done({ chunks });
  };
  worker.onerror = () => {
    worker.terminate();
    done(null);
  };
  // A copy, transferred: the caller keeps its bytes for Download raw, and a transfer costs no
  // structured-clone serialization of 10 MB on this thread.
  const copy = bytes.slice();
  worker.postMessage(copy, [copy.buffer]);
  return () => worker.terminate();
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `bytes` as indented JSON; "failed" when they are not JSON (or no worker could format them). */
export function useFormattedJson(bytes: Uint8Array): TFormatState {
  const inline = useMemo(() => (bytes.byteLength <= FORMAT_INLINE_MAX ? formatJson(decode(bytes)) : null), [bytes]);
  const [done, setDone] = useState<{ bytes: Uint8Array; text: TJsonText | null } | null>(null);
  useEffect(() => {
    if (bytes.byteLength <= FORMAT_INLINE_MAX) return;
    // Without a worker a large body is not formatted here: the caller shows its beginning as text.
    return formatInWorker(bytes, (text) => setDone({ bytes, text }));
  }, [bytes]);
  if (inline) return inline.ok ? { state: "ok", text: inline.text } : { state: "failed" };
  if (done?.bytes !== bytes) return { state: "pending" };
  return done.text === null ? { state: "failed" } : { state: "ok", text: done.text };
}
