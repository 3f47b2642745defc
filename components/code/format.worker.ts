// Formats a JSON body off the main thread: decoding, parsing and indenting 10 MB take several
// hundred milliseconds, which on the page would freeze it (issue 15: ≤ 200 ms blocked).
import { formatJson, type TFormatted } from "./json-text";

type TScope = { onmessage: ((e: MessageEvent<Uint8Array>) => void) | null; postMessage(message: TFormatted): void };
const scope = self as unknown as TScope;

scope.onmessage = (e) => scope.postMessage(formatJson(new TextDecoder().decode(e.data)));
