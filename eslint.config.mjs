import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const OUTBOUND = "Send outbound requests with sendRequest from lib/http/execute.ts (outbound policy, TLS, limits, masking).";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "generated/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
  {
    rules: {
      // lib/env.ts is the only reader of process.env (README, "Configuration").
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.ts." },
      ],
    },
  },
  {
    // Outbound HTTP goes through lib/http/execute.ts only: it enforces the outbound policy (SSRF
    // guard), TLS settings, timeouts, size caps and secret masking (SPEC §11). Client components
    // need none of these; tests and test support (lib/testing) may run their own servers and clients.
    files: ["app/**", "components/**", "lib/**"],
    ignores: ["lib/http/**", "lib/testing/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...["fetch", "XMLHttpRequest", "WebSocket"].map((name) => ({ name, message: OUTBOUND })),
      ],
      "no-restricted-properties": [
        "error",
        // Repeated here: a rule configured again replaces the earlier options for these files.
        { object: "process", property: "env", message: "Read configuration through lib/env.ts." },
        ...["globalThis", "window", "self", "global"].map((object) => ({ object, property: "fetch", message: OUTBOUND })),
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["undici", "node:http", "node:https", "node:http2", "http", "https", "http2", "axios", "node-fetch", "got"].map(
            (name) => ({ name, message: OUTBOUND }),
          ),
          patterns: [{ group: ["undici/*", "axios/*", "got/*"], message: OUTBOUND }],
        },
      ],
    },
  },
  {
    // instrumentation.ts reads Next's own NEXT_RUNTIME/NEXT_PHASE, which the bundler must see
    // literally; test tooling passes settings to the server it starts.
    files: ["lib/env.ts", "instrumentation.ts", "e2e/**", "scripts/**", "playwright.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
]);
