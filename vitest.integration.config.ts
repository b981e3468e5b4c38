import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

/** Integration and browser tests: against the real test world started once per run. */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts"],
      globalSetup: ["tests/world/global-setup.ts"],
      // expect.poll waits on a condition; a busy machine (CI, two cores) needs more than its 1 s default.
      expect: { poll: { timeout: 15_000, interval: 50 } },
    },
  }),
);
