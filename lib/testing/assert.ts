// Shared assertions for unit tests.
import assert from "node:assert/strict";
import { AppError, type TErrorCode } from "@/lib/errors";

/** Asserts that `p` rejects with an AppError of `code` (and `message`); returns it for further checks. */
export async function rejectsWith(p: Promise<unknown>, code: TErrorCode, message?: RegExp): Promise<AppError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof AppError, `not an AppError: ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}
