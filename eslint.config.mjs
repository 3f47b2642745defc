import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
    // instrumentation.ts reads Next's own NEXT_RUNTIME/NEXT_PHASE, which the bundler must see
    // literally; test tooling passes settings to the server it starts.
    files: ["lib/env.ts", "instrumentation.ts", "e2e/**", "scripts/**", "playwright.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
]);
