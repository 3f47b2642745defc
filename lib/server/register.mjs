// Loaded with `--import` by `npm start` / `npm run dev` (server.ts). The lean API runs lib/ outside
// Next's bundler, where the "server-only" guard package would throw: inside this server process
// everything is server code, so it resolves to an empty module here. Nothing else is changed.
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,", shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
