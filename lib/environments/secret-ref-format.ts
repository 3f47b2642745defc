// The format of a secret reference (SPEC §7): file:<absolute path>, or a GCP Secret Manager version
// projects/<project>/secrets/<secret>/versions/<version>. Pure, so forms in the browser and the
// extensions planner check it the same way; resolving one is secret-refs.ts (server only).
import { AppError } from "@/lib/errors";

export type TSecretReference =
  | { kind: "file"; path: string }
  | { kind: "gcp"; project: string; secret: string; version: string };

const MAX_REF_LENGTH = 4096;
const FILE_PREFIX = "file:";
const GCP_FORM = /^projects\/([^/]*)\/secrets\/([^/]*)\/versions\/([^/]*)$/;
const GCP_PROJECT = /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,30})$/;
const GCP_SECRET = /^[A-Za-z0-9_-]{1,255}$/;
const GCP_VERSION = /^(?:[1-9][0-9]{0,18}|latest)$/;

const invalid = (why: string) => new AppError("VALIDATION", `Invalid secret reference: ${why}`);

/**
 * Format check. Throws AppError("VALIDATION", "Invalid secret reference: <why>"). Pure. The
 * message never repeats the reference: a value pasted into the wrong field may be the secret itself.
 */
export function parseSecretReference(ref: string): TSecretReference {
  if (typeof ref !== "string" || ref === "") throw invalid("it is empty");
  if (ref.length > MAX_REF_LENGTH) throw invalid(`it is longer than ${MAX_REF_LENGTH} characters`);
  if (ref.trim() !== ref) throw invalid("it starts or ends with spaces");
  if (ref.startsWith(FILE_PREFIX)) {
    const p = ref.slice(FILE_PREFIX.length);
    if (p === "") throw invalid("file: needs an absolute path, e.g. file:/run/secrets/api-key");
    if (p.includes("\u0000")) throw invalid("the path contains a NUL character");
    if (!p.startsWith("/")) throw invalid("file: needs an absolute path (starting with /), e.g. file:/run/secrets/api-key");
    return { kind: "file", path: p };
  }
  const m = GCP_FORM.exec(ref);
  if (!m) {
    if (ref.startsWith("projects/")) throw invalid("a GCP reference has the form projects/<project>/secrets/<secret>/versions/<version>");
    throw invalid("use file:<absolute path> or projects/<project>/secrets/<secret>/versions/<version>");
  }
  const [, project, secret, version] = m;
  if (!GCP_PROJECT.test(project)) throw invalid("the project must be a GCP project id (6-30 lowercase letters, digits and hyphens, starting with a letter) or a project number");
  if (!GCP_SECRET.test(secret)) throw invalid("the secret id must be 1-255 letters, digits, _ or -");
  if (!GCP_VERSION.test(version)) throw invalid('the version must be a number without leading zeros, or "latest"');
  return { kind: "gcp", project, secret, version };
}
