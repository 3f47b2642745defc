// Secrets at rest: seal on write, open only where a value is used on the server, never return to
// a client. See crypto.ts for the format.
import { decryptSecret, encryptSecret, type TSecretSlot } from "./crypto";
import { loadKeyRing } from "./keyring";

export type { TSecretSlot } from "./crypto";

export function sealSecret(plaintext: string, slot: TSecretSlot): string {
  return encryptSecret(loadKeyRing(), plaintext, slot);
}

/** Throws AppError("SECRET_UNREADABLE") when the value cannot be decrypted (fail closed). */
export function openSecret(stored: string, slot: TSecretSlot): string {
  return decryptSecret(loadKeyRing(), stored, slot);
}
