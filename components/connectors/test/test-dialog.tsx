"use client";
// The Test Connector dialog (SPEC §5.3): the inputs of one run, Send with progress and Cancel, then
// the Response view. The request is built and sent on the server (POST /api/connectors/test), by
// the same code as the REST run API, in the environment chosen in the header (SPEC §7).
import { useEffect, useRef, useState, type ReactNode } from "react";
import Link from "next/link";
import { JsonEditor } from "@/components/code/json-editor";
import { jsonProblem } from "@/components/code/json-text";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import type { TConnectorInput, TRunInputs } from "@/lib/connectors/schema";
import { firstProblem } from "@/lib/errors";
import { decodeTestResult, TEST_RESULT_TYPE, type TTestOutcome } from "@/lib/connectors/test-wire";
import { pathParamNames } from "@/lib/http/build-request";
import { postSameOrigin } from "@/lib/http/same-origin";
import { ResponseView } from "./response-view";

export type TTestTarget = {
  connectorId: string | null;
  connector: TConnectorInput;
  /** Send the definition along (the wizard's unsaved values) instead of running the saved one. */
  sendDefinition: boolean;
  /** The header carrying the configuration's credentials, which this run may overwrite. */
  authHeader: string | null;
};

const MAX_FILES_BYTES = 10 * 1024 * 1024;

/** The header's environment; null: No environment (the defaults). */
export type TTestEnvironment = { id: string; name: string } | null;

type TOutcome = TTestOutcome | { ok: false; code: "CANCELLED_BY_USER"; error: string };

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="fieldset">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

/** A result (metadata line + raw body: lib/connectors/test-wire.ts) or a failure's JSON. */
async function readOutcome(res: Response): Promise<TTestOutcome> {
  const unreadable: TTestOutcome = { ok: false, code: "INTERNAL", error: `The server answered ${res.status} without a result.` };
  try {
    if (res.headers.get("content-type")?.startsWith(TEST_RESULT_TYPE)) {
      const { meta, body } = decodeTestResult(new Uint8Array(await res.arrayBuffer()));
      return { ...meta, body };
    }
    return ((await res.json()) as TTestOutcome | null) ?? unreadable;
  } catch {
    return unreadable;
  }
}

export function TestConnectorDialog({ target, environment, open, onOpenChange }: { target: TTestTarget | null; environment: TTestEnvironment; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open && target !== null} onOpenChange={onOpenChange}>
      {target ? (
        <DialogContent title="Test connector" className="wide">
          <TestForm key={`${target.connectorId}:${JSON.stringify(target.connector)}`} target={target} environment={environment} />
        </DialogContent>
      ) : null}
    </Dialog>
  );
}

function TestForm({ target, environment }: { target: TTestTarget; environment: TTestEnvironment }) {
  const c = target.connector;
  const pathNames = pathParamNames(c.urlTemplate);
  const [path, setPath] = useState<Record<string, string>>({});
  const [query, setQuery] = useState<string[]>(() => c.queryParams.map((q) => q.defaultValue));
  const [headers, setHeaders] = useState<string[]>(() => c.headers.map((h) => h.value));
  const [authHeader, setAuthHeader] = useState("");
  const [body, setBody] = useState(c.bodyType === "JSON" ? c.bodyDescription : "");
  const [formText, setFormText] = useState<Record<string, string>>({});
  const [files, setFiles] = useState<Record<string, File | null>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<TOutcome | null>(null);
  const [running, setRunning] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const controllerRef = useRef<AbortController | null>(null);

  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const t = setInterval(() => setElapsed(Date.now() - started), 250);
    return () => clearInterval(t);
  }, [running]);
  // Closing the dialog mid-run cancels the request on the server too.
  useEffect(() => () => controllerRef.current?.abort(), []);

  const err = (key: string) => errors[key];

  function check(): Record<string, string> {
    const found: Record<string, string> = {};
    for (const n of pathNames) if (!path[n]) found[`pathParams.${n}`] = `Enter ${n}`;
    c.queryParams.forEach((q, i) => {
      if (q.required && !query[i]) found[`queryParams.${q.name}`] = `Enter ${q.name}`;
    });
    if (c.bodyType === "JSON") {
      const problem = jsonProblem(body);
      if (problem) found.body = problem;
    }
    const size = Object.values(files).reduce((n, f) => n + (f?.size ?? 0), 0);
    if (size > MAX_FILES_BYTES) found._files = "The files are larger than 10 MB in all; choose smaller ones.";
    return found;
  }

  async function send() {
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) {
      setOutcome({ ok: false, code: "VALIDATION", error: firstProblem(Object.values(found)) });
      return;
    }
    const inputs: TRunInputs = {
      pathParams: Object.fromEntries(pathNames.map((n) => [n, path[n] ?? ""])),
      // An empty optional parameter is left out (its default, if any, then applies).
      queryParams: c.queryParams.flatMap((q, i): Array<[string, string]> => (query[i] ? [[q.name, query[i]]] : [])),
      headers: Object.fromEntries(c.headers.map((h, i) => [h.name, headers[i] ?? ""])),
      authHeader: authHeader || undefined,
      body: c.bodyType === "JSON" ? body : undefined,
      formParams: c.formParams.filter((p) => p.type === "text").map((p): [string, string] => [p.name, formText[p.name] ?? ""]),
    };
    const fd = new FormData();
    fd.set("request", JSON.stringify({ connectorId: target.connectorId, connector: target.sendDefinition ? c : undefined, environmentId: environment?.id ?? null, inputs }));
    for (const [name, file] of Object.entries(files)) if (file) fd.append(`file:${name}`, file, file.name);
    const controller = new AbortController();
    controllerRef.current = controller;
    setOutcome(null);
    setElapsed(0);
    setRunning(true);
    try {
      const res = await postSameOrigin("/api/connectors/test", fd, controller.signal);
      const result = await readOutcome(res);
      if (!result.ok && result.fieldErrors) {
        const mapped: Record<string, string> = {};
        for (const [k, v] of Object.entries(result.fieldErrors)) mapped[k.replace(/^inputs\./, "")] = v[0];
        setErrors(mapped);
      }
      setOutcome(result);
    } catch (e) {
      setOutcome(
        controller.signal.aborted
          ? { ok: false, code: "CANCELLED_BY_USER", error: "Cancelled: the request was stopped before an answer arrived." }
          : { ok: false, code: "INTERNAL", error: `The server could not be reached (${e instanceof Error ? e.message : String(e)}).` },
      );
    } finally {
      controllerRef.current = null;
      setRunning(false);
    }
  }

  const showOverwrites = c.headers.length > 0 || target.authHeader !== null;
  const formParams = c.bodyType === "FORM" ? c.formParams : [];

  return (
    <form
      className="test-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        e.stopPropagation();
        if (!running) void send();
      }}
    >
      <dl className="test-target">
        <dt>Name</dt>
        <dd data-testid="test-name">{c.name || "(unsaved connector)"}</dd>
        <dt>URL</dt>
        <dd className="mono" data-testid="test-url"><span className="method">{c.method}</span> {c.urlTemplate}</dd>
      </dl>
      <p>
        <strong data-testid="test-environment">Environment: {environment ? environment.name : "No environment"}</strong>{" "}
        <span className="muted">
          {environment ? "Its variables and overrides apply." : "The defaults apply."} To test in another, close this dialog and choose it in the header.
        </span>
      </p>

      {showOverwrites ? (
        <Section title="Overwrite config parameters">
          {c.headers.map((h, i) => (
            <TextField key={`h${i}`} label={h.name} autoComplete="off" value={headers[i] ?? ""} error={err(`headers.${h.name}`)} hint={h.description || undefined} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? e.target.value : x)))} />
          ))}
          {target.authHeader ? (
            <TextField label={`${target.authHeader} (authentication)`} type="password" autoComplete="off" value={authHeader} hint="Leave empty to use the authentication configuration." onChange={(e) => setAuthHeader(e.target.value)} />
          ) : null}
        </Section>
      ) : null}

      {formParams.length > 0 ? (
        <Section title="Form parameters">
          {formParams.map((p) =>
            p.type === "file" ? (
              <TextField key={p.name} type="file" label={p.name} hint={p.description || undefined} error={err(`formFields.${p.name}`)} onChange={(e) => setFiles({ ...files, [p.name]: e.target.files?.[0] ?? null })} />
            ) : (
              <TextField key={p.name} label={p.name} autoComplete="off" value={formText[p.name] ?? ""} hint={p.description || undefined} error={err(`formFields.${p.name}`)} onChange={(e) => setFormText({ ...formText, [p.name]: e.target.value })} />
            ),
          )}
          {errors._files ? <p className="field-error">{errors._files}</p> : null}
        </Section>
      ) : null}

      {pathNames.length > 0 ? (
        <Section title="Path parameters">
          {pathNames.map((n) => (
            <TextField key={n} label={n} required autoComplete="off" hint="Required." value={path[n] ?? ""} error={err(`pathParams.${n}`)} onChange={(e) => setPath({ ...path, [n]: e.target.value })} />
          ))}
        </Section>
      ) : null}

      {c.queryParams.length > 0 ? (
        <Section title="Query parameters">
          {c.queryParams.map((q, i) => (
            <TextField
              key={`q${i}`}
              label={q.name}
              required={q.required}
              autoComplete="off"
              value={query[i] ?? ""}
              hint={[q.required ? "Required." : "", q.description, q.defaultValue && !q.required ? `Default ${q.defaultValue}, used when empty.` : ""].filter(Boolean).join(" ") || undefined}
              error={err(`queryParams.${q.name}`)}
              onChange={(e) => setQuery(query.map((x, j) => (j === i ? e.target.value : x)))}
            />
          ))}
        </Section>
      ) : null}

      {c.bodyType === "JSON" ? <JsonEditor label="Request body" value={body} onChange={setBody} error={err("body")} emptyHint="Empty: no body is sent." /> : null}

      {outcome && !outcome.ok ? (
        outcome.code === "CANCELLED_BY_USER" ? <p role="status" className="message">{outcome.error}</p> : <AlertMessage testId="test-error">
            {outcome.error}
            {"link" in outcome && outcome.link ? <> <Link href={outcome.link.href}>{outcome.link.label}</Link></> : null}
          </AlertMessage>
      ) : null}

      <div className="dialog-footer">
        {running ? (
          <>
            <span role="status" className="test-progress">
              <progress aria-label="Sending" /> Sending… {(elapsed / 1000).toFixed(1)} s
            </span>
            <Button onClick={() => controllerRef.current?.abort()}>Cancel</Button>
          </>
        ) : null}
        <Button type="submit" variant="primary" pending={running}>Send</Button>
      </div>

      {outcome?.ok ? <ResponseView result={outcome} name={c.name} /> : null}
    </form>
  );
}
