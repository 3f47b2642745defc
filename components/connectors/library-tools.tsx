"use client";
// Export and Import of the connectors library (SPEC §5.1) on the Connectors page.
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { AlertMessage } from "@/components/ui/messages";
import type { TLibraryResponse } from "@/lib/library/route";
import type { TKind } from "@/lib/library/schema";
import type { TDecisions, TImportPreview, TNeedsValue } from "@/lib/library/store";
import { postSameOrigin } from "@/lib/http/same-origin";

const KIND: Record<TKind, string> = { authConfigs: "Authentication configuration", services: "Service", connectors: "Connector", environments: "Environment" };

/** Downloads the library file of the selected connectors, or of all of them. */
export function ExportButton({ selected }: { selected: string[] }) {
  return (
    <Button
      aria-describedby="export-scope"
      onClick={() => {
        const a = document.createElement("a");
        a.href = selected.length ? `/api/library?ids=${selected.map(encodeURIComponent).join(",")}` : "/api/library";
        a.download = "";
        a.click();
      }}
    >
      Export
    </Button>
  );
}

type TDecisionRow = { action: "skip" | "rename"; name: string };

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function ImportDialog() {
  const router = useRouter();
  const fileId = useId();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<TImportPreview | null>(null);
  const [decisions, setDecisions] = useState<Record<string, TDecisionRow>>({});
  const [busy, setBusy] = useState<"preview" | "import" | null>(null);
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const [done, setDone] = useState<{ message: string; needsValue: TNeedsValue[] } | null>(null);

  const reset = () => {
    setFile(null);
    setPreview(null);
    setDecisions({});
    setError(null);
    setDone(null);
  };

  async function post(mode: "preview" | "import", chosen: File): Promise<TLibraryResponse> {
    const fd = new FormData();
    fd.set("file", chosen);
    fd.set("mode", mode);
    const d: TDecisions = {};
    for (const [key, row] of Object.entries(decisions)) d[key] = row.action === "skip" ? { action: "skip" } : { action: "rename", name: row.name };
    fd.set("decisions", JSON.stringify(d));
    try {
      const res = await postSameOrigin("/api/library", fd);
      return ((await res.json().catch(() => null)) as TLibraryResponse | null) ?? { ok: false, code: "INTERNAL", error: `The server answered ${res.status}.` };
    } catch {
      return { ok: false, code: "INTERNAL", error: "The server could not be reached. Check your connection and try again." };
    }
  }

  const showError = (res: Extract<TLibraryResponse, { ok: false }>) =>
    setError({ message: res.error, details: Object.entries(res.fieldErrors ?? {}).slice(0, 20).map(([k, v]) => `${k}: ${v.join("; ")}`) });

  async function choose(chosen: File | null) {
    reset();
    setFile(chosen);
    if (!chosen) return;
    setBusy("preview");
    const res = await post("preview", chosen);
    setBusy(null);
    if (!res.ok) return showError(res);
    if (res.mode !== "preview") return;
    setPreview(res.preview);
    // Conflicts start as Skip: keep what is there unless the user asks for a renamed copy.
    setDecisions(Object.fromEntries(res.preview.items.filter((i) => i.conflict).map((i) => [`${i.kind}:${i.name}`, { action: "skip", name: `${i.name} (imported)` }])));
  }

  async function runImport() {
    if (!file) return;
    setError(null);
    setBusy("import");
    const res = await post("import", file);
    setBusy(null);
    if (!res.ok) return showError(res);
    if (res.mode !== "import") return;
    const c = res.result.created;
    setDone({
      message:
        `Imported ${plural(c.authConfigs, "authentication configuration")}, ${plural(c.services, "service")}` +
        (c.environments ? `, ${plural(c.connectors, "connector")} and ${plural(c.environments, "environment")}` : ` and ${plural(c.connectors, "connector")}`) +
        (res.result.skipped ? `; skipped ${res.result.skipped}` : "") +
        "." +
        (res.result.needSecrets.length ? ` Enter the secrets of ${res.result.needSecrets.join(", ")} before using them.` : ""),
      needsValue: res.result.needsValue,
    });
    setPreview(null);
    router.refresh();
  }

  const conflicts = preview?.items.filter((i) => i.conflict).length ?? 0;

  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) reset(); }}>
      <DialogTrigger asChild>
        <Button>Import</Button>
      </DialogTrigger>
      <DialogContent title="Import connectors library" className="wide" description="Reads a file made by Export. Nothing is created until you press Import; then everything is created at once, or nothing.">
        <div className="field">
          <label htmlFor={fileId}>Library file</label>
          <input id={fileId} type="file" accept="application/json,.json" disabled={busy !== null} onChange={(e) => void choose(e.target.files?.[0] ?? null)} />
        </div>
        {busy ? <p role="status" className="test-progress"><progress aria-label={busy === "preview" ? "Reading the file" : "Importing"} /> {busy === "preview" ? "Reading the file…" : "Importing…"}</p> : null}
        {error ? (
          <AlertMessage testId="import-error">
            {error.message}
            {error.details.length > 1 ? <ul>{error.details.map((d) => <li key={d}>{d}</li>)}</ul> : null}
          </AlertMessage>
        ) : null}
        {done ? (
          <div role="status" className="message success" data-testid="import-done">
            {done.message}
            {done.needsValue.length ? (
              <>
                {" Secret values are never exported; these still need a value (enter them on the Environments page):"}
                <ul data-testid="import-needs-value">
                  {done.needsValue.map((n) => (
                    <li key={n.environment}>
                      {n.environment}: {n.items.join(", ")}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        ) : null}
        {preview ? (
          <>
            <p data-testid="import-summary">
              {plural(preview.items.length, "item")} in the file{conflicts ? `; ${plural(conflicts, "name is", "names are")} already taken: choose Skip (keep the existing one) or Rename for each.` : "; no name is taken."}
            </p>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Name</th>
                    <th scope="col">Details</th>
                    <th scope="col">On import</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.items.map((i) => {
                    const key = `${i.kind}:${i.name}`;
                    const d = decisions[key];
                    return (
                      <tr key={key} data-testid={`import-row-${key}`}>
                        <td>{KIND[i.kind]}</td>
                        <td>{i.name}</td>
                        <td className="muted">{i.detail}</td>
                        <td>
                          {!i.conflict || !d ? (
                            "Create"
                          ) : (
                            <div className="actions">
                              <select aria-label={`What to do with ${i.name}`} value={d.action} onChange={(e) => setDecisions({ ...decisions, [key]: { ...d, action: e.target.value as TDecisionRow["action"] } })}>
                                <option value="skip">Skip (name taken)</option>
                                <option value="rename">Rename</option>
                              </select>
                              {d.action === "rename" ? (
                                <input aria-label={`New name for ${i.name}`} value={d.name} onChange={(e) => setDecisions({ ...decisions, [key]: { ...d, name: e.target.value } })} />
                              ) : null}
                            </div>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {preview.needSecrets.length ? <p className="muted">Secrets are never exported: enter those of {preview.needSecrets.join(", ")} after importing.</p> : null}
          </>
        ) : null}
        <div className="dialog-footer">
          <DialogClose asChild>
            <Button>{done ? "Close" : "Cancel"}</Button>
          </DialogClose>
          {preview ? (
            <Button variant="primary" pending={busy === "import"} onClick={() => void runImport()}>
              Import
            </Button>
          ) : null}
        </div>
      </DialogContent>
    </Dialog>
  );
}
