import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npmWants, readNpm } from "@/lib/packages/npm";
import { MAX_PACKAGES } from "@/lib/packages/text";
import type { CatalogResult } from "@/lib/packages/types";
import { garbage, imageFiles, utf8 } from "@/tests/unit/packages/fixtures";

const APP = "/app/node_modules";
const summary = ({ packages }: CatalogResult) => packages.map(({ name, version, db }) => `${name} ${version} ${db}`);
const image = (files: Record<string, string | Uint8Array>) =>
  new Map(Object.entries(files).map(([path, content]) => [path, typeof content === "string" ? utf8(content) : content]));
const manifest = (name: string, version: string, more: object = {}) => JSON.stringify({ name, version, ...more });

describe("npm: this repository's own node_modules, against npm's record of what it installed", () => {
  // pkg-fixtures has no npm folder; node_modules/.package-lock.json is npm's own list of the packages it
  // put in node_modules (path → version), written by `npm ci` and `npm install`.
  const NODE_MODULES = join(import.meta.dirname, "../../../node_modules");

  it("finds every installed package, at its path, with its version, and nothing else", () => {
    const hidden = JSON.parse(readFileSync(join(NODE_MODULES, ".package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; link?: boolean }>;
    };
    const expected = Object.entries(hidden.packages)
      .filter(([, entry]) => !entry.link)
      .map(([path, entry]) => `${path} ${entry.version}`)
      .sort();
    const result = readNpm(imageFiles(NODE_MODULES, npmWants, APP));
    expect(result.problems).toEqual([]);
    const found = result.packages.map(({ version, db }) => `${db.slice("/app/".length, -"/package.json".length)} ${version}`).sort();
    expect(expected.length).toBeGreaterThan(100);
    expect(found).toEqual(expected);
    // A package's name is its package.json's, which is its folder's here (no aliases).
    expect(result.packages.every(({ name, db }) => db.endsWith(`/node_modules/${name}/package.json`))).toBe(true);
  });
});

describe("npm: which files it wants", () => {
  it.each([
    [`${APP}/react/package.json`, true],
    [`${APP}/@types/node/package.json`, true],
    [`${APP}/next/node_modules/postcss/package.json`, true],
    [`${APP}/.pnpm/lodash@4.17.21/node_modules/lodash/package.json`, true],
    ["/usr/local/lib/node_modules/npm/package.json", true],
    ["/app/package.json", false],
    [`${APP}/package.json`, false],
    [`${APP}/@types/package.json`, false],
    [`${APP}/.bin/package.json`, false],
    [`${APP}/.pnpm/package.json`, false],
    [`${APP}/react/cjs/package.json`, false],
    [`${APP}/resolve/test/fixtures/package.json`, false],
    [`${APP}/react/package.json.bak`, false],
  ])("%s → %s", (path, wanted) => {
    expect(npmWants(path)).toBe(wanted);
  });
});

describe("npm: package.json files", () => {
  it("reads name and version at any depth and scope; skips a package.json without both, and files it does not want", () => {
    const result = readNpm(
      image({
        "/app/package.json": manifest("my-app", "1.0.0"),
        [`${APP}/react/package.json`]: manifest("react", "19.1.0", { dependencies: {} }),
        [`${APP}/@types/node/package.json`]: manifest("@types/node", "20.19.0"),
        [`${APP}/next/node_modules/postcss/package.json`]: manifest("postcss", "8.4.31"),
        [`${APP}/aliased/package.json`]: manifest("real-name", "2.0.0"),
        [`${APP}/workspace/package.json`]: JSON.stringify({ name: "workspace", private: true }),
        [`${APP}/react/cjs/package.json`]: JSON.stringify({ type: "commonjs" }),
      }),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual([
      `@types/node 20.19.0 ${APP}/@types/node/package.json`,
      `real-name 2.0.0 ${APP}/aliased/package.json`,
      `postcss 8.4.31 ${APP}/next/node_modules/postcss/package.json`,
      `react 19.1.0 ${APP}/react/package.json`,
    ]);
    expect(result.packages[0]).toEqual({ type: "npm", name: "@types/node", version: "20.19.0", db: `${APP}/@types/node/package.json` });
  });
});

describe("npm: hostile and broken package.json files", () => {
  const react = { [`${APP}/react/package.json`]: manifest("react", "19.1.0") };
  const broken = (content: string | Uint8Array) => readNpm(image({ ...react, [`${APP}/broken/package.json`]: content }));
  const onlyBroken = (result: CatalogResult) => {
    expect(summary(result)).toEqual([`react 19.1.0 ${APP}/react/package.json`]);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.every((p) => p.db === `${APP}/broken/package.json`)).toBe(true);
  };

  it("cut short, not an object, or a name or version that is no string: reported, the rest read", () => {
    const whole = manifest("broken", "1.0.0");
    for (const content of [
      whole.slice(0, -5),
      "[]",
      "null",
      manifest("broken", "1 0"),
      JSON.stringify({ name: 7, version: "1" }),
      JSON.stringify({ name: "b", version: {} }),
    ]) {
      onlyBroken(broken(content));
    }
  });

  it("a 10 MB line: a package.json that big is reported and not read, a 5 MB one (an inlined README) is; a 1 MB name is no name", () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    onlyBroken(broken(manifest("broken", "1.0.0", { readme: huge })));
    const withReadme = broken(manifest("broken", "1.0.0", { readme: huge.slice(0, 5 * 1024 * 1024) }));
    expect(withReadme.problems).toEqual([]);
    expect(withReadme.packages.map((p) => p.name)).toEqual(["broken", "react"]);
    onlyBroken(broken(manifest(huge.slice(0, 1024 * 1024), "1.0.0")));
  });

  it("garbage bytes and invalid UTF-8: reported, no throw", () => {
    for (const seed of [1, 2, 3]) onlyBroken(broken(garbage(4096, seed)));
    const result = broken(new Uint8Array([...utf8('{"name": "bro'), 0xff, ...utf8('ken", "version": "1.0.0"}')]));
    expect(summary(result)).toEqual([`bro\uFFFDken 1.0.0 ${APP}/broken/package.json`, `react 19.1.0 ${APP}/react/package.json`]);
    expect(result.problems).toEqual([{ db: `${APP}/broken/package.json`, message: expect.stringContaining("not valid UTF-8") }]);
  });

  it(`more than ${MAX_PACKAGES} packages: the first ${MAX_PACKAGES} read, the cap reported`, () => {
    const many = new Map(
      Array.from({ length: MAX_PACKAGES + 5 }, (_, i) => [`${APP}/p${String(i).padStart(6, "0")}/package.json`, utf8(manifest(`p${i}`, "1.0.0"))]),
    );
    const result = readNpm(many);
    expect(result.packages).toHaveLength(MAX_PACKAGES);
    expect(result.problems).toEqual([
      { db: `${APP}/p100000/package.json`, message: expect.stringContaining(`already holds ${MAX_PACKAGES} packages`) },
    ]);
  });
});
