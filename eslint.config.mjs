// ESLint 9 flat config. Pure-JS plugins only: eslint-config-next is deliberately not used, because it
// pulls eslint-import-resolver-typescript → unrs-resolver (a napi-rs native binary). The Next.js rules
// come straight from @next/eslint-plugin-next instead. Formatting is Prettier's job (`npm run format`);
// eslint-config-prettier, last, turns off every stylistic rule that would fight it.
import { defineConfig, globalIgnores } from "eslint/config";
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores([".next/", "node_modules/", "next-env.d.ts", "test-results/", ".data/", ".bench/", "dist/", "package-lock.json", "*.tsbuildinfo"]),
  {
    name: "porthole/linter-options",
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: "porthole/globals",
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  // Next.js: recommended + core-web-vitals (a superset that raises some of its warnings to errors).
  nextPlugin.configs.recommended,
  nextPlugin.configs["core-web-vitals"],
  {
    name: "porthole/next",
    // App Router only: there is no pages/ directory for this rule to read links from.
    rules: { "@next/next/no-html-link-for-pages": "off" },
  },
  {
    name: "porthole/react-hooks",
    files: ["**/*.{js,mjs,ts,tsx}"],
    extends: [reactHooks.configs.flat["recommended-latest"]],
    rules: {
      // A missing dependency is a stale-closure bug, not a style nit.
      "react-hooks/exhaustive-deps": "error",
      // Warns that TanStack Virtual's hook cannot be auto-memoized: only the React Compiler cares, and we do not run it.
      "react-hooks/incompatible-library": "off",
    },
  },
  prettier,
);
