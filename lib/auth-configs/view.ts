// What the browser may see of a stored configuration, and the form values built from it. Pure.
import { SECRET_FIELDS, settingsOf, ZAuthConfigInput, type TAuthConfigInput, type TSubProtocol } from "./schema";

/** A configuration without any secret value: secrets appear only as set / not set. */
export type TAuthConfigView = {
  id: string;
  name: string;
  protocol: string;
  subProtocol: TSubProtocol;
  testUrl: string;
  settings: Record<string, unknown>;
  /** "apiKey", "tls.clientKeyPem", ... → whether a value is stored. */
  secretsSet: Record<string, boolean>;
  needsReconnect: boolean;
  needsReconnectReason: string | null;
  lastTest: { at: string; ok: boolean; message: string } | null;
  usage: { services: string[]; connectors: string[] };
  /** ISO time of the last change (the list's default order: latest first). */
  updatedAt: string;
};

/** Form values for editing: the stored settings with every secret field blank ("keep"). */
export function formValuesOf(view: TAuthConfigView): TAuthConfigInput {
  const { tls, ...settings } = view.settings as { tls?: Record<string, unknown> } & Record<string, unknown>;
  // Secret fields are blank whatever the stored settings hold: defence in depth, settingsOf() never
  // stores them there.
  const blankSecrets = Object.fromEntries(Object.values(SECRET_FIELDS).flat().map((f) => [f.name, ""]));
  const parsed = ZAuthConfigInput.safeParse({
    ...settings,
    ...blankSecrets,
    name: view.name,
    testUrl: view.testUrl,
    protocol: view.protocol,
    subProtocol: view.subProtocol,
    tls: { ...(tls ?? {}), clientKeyPem: "", pkcs12: "", pkcs12Passphrase: "" },
  });
  if (!parsed.success) throw new Error(`stored configuration ${view.id} does not match its schema`);
  return parsed.data;
}

/** Merges decrypted secrets ("apiKey", "tls.pkcs12", ...) into an input: the runtime form. */
export function withSecrets(input: TAuthConfigInput, secrets: Record<string, string>): TAuthConfigInput {
  const merged = { ...input, tls: { ...input.tls } } as TAuthConfigInput & Record<string, unknown>;
  for (const [key, value] of Object.entries(secrets)) {
    if (key.startsWith("tls.")) (merged.tls as Record<string, string>)[key.slice(4)] = value;
    else merged[key] = value;
  }
  return merged;
}

export { settingsOf };
