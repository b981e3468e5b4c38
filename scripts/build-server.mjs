// Compiles the custom server (server.ts and the lib/ modules it imports) into one ES module,
// dist/server.mjs, that plain `node` runs: packages stay external (node_modules has them), the
// `@/` paths come from tsconfig.json, and `server-only` (which throws outside React's server
// environment, where this file runs) becomes an empty module.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function emptyServerOnly() {
  return {
    name: "empty-server-only",
    setup(build) {
      build.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
      build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "" }));
    },
  };
}

await build({
  absWorkingDir: root,
  entryPoints: ["server.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  plugins: [emptyServerOnly()],
  sourcemap: "linked",
  logLevel: "warning",
});
