import { defineConfig } from "vitest/config";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      // "server-only" throws outside a React Server environment; tests run lib/ directly.
      "server-only": fileURLToPath(new URL("./tests/support/empty.ts", import.meta.url)),
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // A cache of this run's own, so no test is served what an earlier run left.
    env: { PORTHOLE_CACHE_DIR: join(tmpdir(), `porthole-test-cache-${process.pid}`), PORTHOLE_QUIET_LOG: "1" },
  },
});
