// Parser for WWW-Authenticate (RFC 9110 §11.6.1):
//   WWW-Authenticate = #challenge
//   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param = token BWS "=" BWS ( token / quoted-string )
// One header may hold several challenges and a response may carry several headers; commas appear
// both between challenges and between parameters, and inside quoted strings. Servers in the wild
// send broken headers, so the parser never throws: it skips what it cannot read and returns the
// rest.
import type { THeaderList } from "@/lib/http/types";

export type TChallenge = {
  /** Auth scheme, lower-cased ("digest", "basic"): schemes are case-insensitive. */
  scheme: string;
  /** Parameters by lower-cased name; the first occurrence of a repeated name wins. */
  params: Record<string, string>;
  /** The token68 form ("Negotiate YIIB..."), when the challenge carries one instead of params. */
  token68?: string;
};

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(): string {
    return this.s[this.i] ?? "";
  }
  skipWs(): boolean {
    const start = this.i;
    while (this.peek() === " " || this.peek() === "\t") this.i++;
    return this.i > start;
  }
  skipWsAndCommas(): void {
    while (this.peek() === " " || this.peek() === "\t" || this.peek() === ",") this.i++;
  }
  token(): string {
    const start = this.i;
    while (!this.done && TCHAR.test(this.peek())) this.i++;
    return this.s.slice(start, this.i);
  }
  /** At an opening quote: reads a quoted-string, unescaping \x. An unterminated one runs to the end. */
  quoted(): string {
    let out = "";
    this.i++;
    while (!this.done) {
      const c = this.s[this.i++];
      if (c === '"') return out;
      if (c === "\\" && !this.done) out += this.s[this.i++];
      else out += c;
    }
    return out;
  }
  /** Recovery from junk: moves to the next comma that is not inside a quoted string. */
  skipToComma(): void {
    while (!this.done && this.peek() !== ",") {
      if (this.peek() === '"') this.quoted();
      else this.i++;
    }
  }
  /** True when only whitespace separates the position from a comma or the end. */
  atElementEnd(): boolean {
    let j = this.i;
    while (this.s[j] === " " || this.s[j] === "\t") j++;
    return j >= this.s.length || this.s[j] === ",";
  }
  /** True when the next list element (after commas) is an auth-param: a token, then "=". */
  paramFollows(): boolean {
    const save = this.i;
    this.skipWsAndCommas();
    const isParam = this.token() !== "" && (this.skipWs(), this.peek() === "=");
    this.i = save;
    return isParam;
  }
}

function parseOne(value: string, out: TChallenge[]): void {
  const r = new Reader(value);
  while (true) {
    r.skipWsAndCommas();
    if (r.done) return;
    const scheme = r.token();
    if (!scheme) {
      r.skipToComma();
      continue;
    }
    const challenge: TChallenge = { scheme: scheme.toLowerCase(), params: Object.create(null) };
    out.push(challenge);

    // token68 needs at least one space after the scheme and ends the challenge
    // ("Negotiate abc==, Basic realm=x"). "realm=x" starts like a token68 but goes on with its
    // value; "realm=, nonce=n" is one too by the grammar, but the parameter after the comma
    // shows it is an empty parameter.
    if (r.skipWs()) {
      TOKEN68.lastIndex = r.i;
      const m = TOKEN68.exec(value);
      if (m) {
        const save = r.i;
        r.i += m[0].length;
        if (r.atElementEnd() && !r.paramFollows()) {
          challenge.token68 = m[0];
          continue;
        }
        r.i = save;
      }
    }
    readParams(r, challenge);
  }
}

/** Reads auth-params until the end or until a token not followed by "=" (the next challenge's
 * scheme, left for the caller to read). */
function readParams(r: Reader, challenge: TChallenge): void {
  while (true) {
    const save = r.i;
    r.skipWsAndCommas();
    if (r.done) return;
    const name = r.token();
    if (!name) {
      r.skipToComma();
      continue;
    }
    r.skipWs();
    if (r.peek() !== "=") {
      r.i = save;
      return;
    }
    r.i++;
    r.skipWs();
    const v = r.peek() === '"' ? r.quoted() : r.token();
    const key = name.toLowerCase();
    if (!(key in challenge.params)) challenge.params[key] = v;
    // A missing comma before the next parameter (`realm="a" nonce="b"`) is tolerated: the loop
    // reads on; a bare token there starts the next challenge.
  }
}

/** Challenges from one or several WWW-Authenticate header values, in order. */
export function parseWwwAuthenticate(values: string | readonly string[]): TChallenge[] {
  const out: TChallenge[] = [];
  for (const v of typeof values === "string" ? [values] : values) parseOne(v, out);
  return out;
}

/** Challenges from every WWW-Authenticate header of a response (names are case-insensitive). */
export function challengesFromHeaders(headers: THeaderList): TChallenge[] {
  return parseWwwAuthenticate(
    headers.filter(([n]) => n.toLowerCase() === "www-authenticate").map(([, v]) => v),
  );
}
