import { describe, expect, it } from "vitest";
import { pythonWants, readPython } from "@/lib/packages/python";
import { MAX_PACKAGES } from "@/lib/packages/text";
import type { CatalogResult } from "@/lib/packages/types";
import { fixture, garbage, spliced, text, utf8 } from "@/tests/unit/packages/fixtures";

const SITE = "/usr/lib/python3.8/site-packages";
const PYGMENTS = `${SITE}/Pygments-2.6.1.dist-info`;
const python = (name: string) => fixture(name, pythonWants);
const summary = ({ packages }: CatalogResult) => packages.map(({ name, version }) => `${name} ${version}`);
const image = (files: Record<string, string | Uint8Array>) =>
  new Map(Object.entries(files).map(([path, content]) => [path, typeof content === "string" ? utf8(content) : content]));
const metadata = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\nThe description.\n`;

describe("python: the real databases of the fixtures", () => {
  it("python: a .dist-info with its RECORD resolved against site-packages (../ climbing out of it), and an .egg-info", () => {
    expect(readPython(python("python"))).toEqual({
      packages: [
        {
          type: "python",
          name: "Pygments",
          version: "2.6.1",
          db: `${PYGMENTS}/METADATA`,
          files: [
            "/usr/bin/pygmentize",
            `${PYGMENTS}/AUTHORS`,
            `${PYGMENTS}/LICENSE.txt`,
            `${PYGMENTS}/RECORD`,
            `${SITE}/pygments/__pycache__/__init__.cpython-38.pyc`,
            `${SITE}/pygments/util.py`,
            `${SITE}/pygments/x_util.py`,
          ],
        },
        // An .egg-info records no files in a RECORD (that is a wheel's): it keeps installed-files.txt, absent here.
        { type: "python", name: "requests", version: "2.22.0", db: `${SITE}/requests-2.22.0.egg-info/PKG-INFO` },
      ],
      problems: [],
    });
  });

  it("python-mixed: .dist-info and .egg-info side by side, with and without a RECORD", () => {
    const result = readPython(python("python-mixed"));
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(["Pygments 2.6.1", "requests 2.22.0", "someotherpkg 3.19.0", "somerequests 3.22.0"]);
    expect(result.packages.map((p) => p.db)).toEqual([
      `${PYGMENTS}/METADATA`,
      `${SITE}/requests-2.22.0.egg-info/PKG-INFO`,
      `${SITE}/someotherpkg-3.19.0-py3.8.egg-info/PKG-INFO`,
      `${SITE}/somerequests-3.22.0.dist-info/METADATA`,
    ]);
    expect(result.packages[0]?.files).toHaveLength(5);
    expect(result.packages[3]?.files).toBeUndefined();
  });
});

describe("python: which files it wants", () => {
  it.each([
    [`${PYGMENTS}/METADATA`, true],
    [`${PYGMENTS}/RECORD`, true],
    ["/usr/lib/python3/dist-packages/six-1.16.0.egg-info", true],
    ["/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", true],
    ["/opt/venv/lib/python3.12/site-packages/pip-24.0.dist-info/METADATA", true],
    [`${SITE}/x-1.egg-info/installed-files.txt`, true],
    [`${PYGMENTS}/LICENSE.txt`, false],
    [`${PYGMENTS}/top_level.txt`, false],
    [`${SITE}/x-1.egg-info/RECORD`, false],
    [`${SITE}/x-1.egg-info/constructor`, false],
    [`${SITE}/x-1.dist-info`, false],
    [`${SITE}/pygments/METADATA`, false],
    ["/usr/lib/python3.8/other/Pygments-2.6.1.dist-info/METADATA", false],
    [`${SITE}/x.dist-info/sub/METADATA`, false],
    ["/src/setup.py", false],
  ])("%s → %s", (path, wanted) => {
    expect(pythonWants(path)).toBe(wanted);
  });
});

describe("python: metadata and owned files", () => {
  it("reads an .egg-info that is a single file, and an .egg-info's installed-files.txt relative to itself", () => {
    const dist = "/usr/lib/python3/dist-packages";
    const result = readPython(
      image({
        [`${dist}/six-1.16.0.egg-info`]: metadata("six", "1.16.0"),
        [`${dist}/chardet-5.1.0.egg-info/PKG-INFO`]: metadata("chardet", "5.1.0"),
        [`${dist}/chardet-5.1.0.egg-info/installed-files.txt`]: "../chardet/__init__.py\nPKG-INFO\n../../../../bin/chardetect\n",
      }),
    );
    expect(result).toEqual({
      packages: [
        {
          type: "python",
          name: "chardet",
          version: "5.1.0",
          db: `${dist}/chardet-5.1.0.egg-info/PKG-INFO`,
          files: [`${dist}/chardet/__init__.py`, `${dist}/chardet-5.1.0.egg-info/PKG-INFO`, "/usr/bin/chardetect"],
        },
        { type: "python", name: "six", version: "1.16.0", db: `${dist}/six-1.16.0.egg-info` },
      ],
      problems: [],
    });
  });

  it("reads RECORD as CSV (quoted paths with commas and quotes, absolute paths), header names in any case, folded headers", () => {
    const result = readPython(
      image({
        [`${SITE}/a-1.dist-info/METADATA`]: "metadata-version: 2.1\nNAME: a\nSummary: one\n  folded: not a header\nversion: 1\nName: not-this\n",
        [`${SITE}/a-1.dist-info/RECORD`]: 'a/x.py,sha256=1,2\n"a/with,comma.py",sha256=1,2\n"a/""quoted"".py",,\n/etc/a.conf,,\n\n',
      }),
    );
    expect(result.packages).toEqual([
      {
        type: "python",
        name: "a",
        version: "1",
        db: `${SITE}/a-1.dist-info/METADATA`,
        files: [`${SITE}/a/x.py`, `${SITE}/a/with,comma.py`, `${SITE}/a/"quoted".py`, "/etc/a.conf"],
      },
    ]);
    expect(result.problems).toEqual([]);
  });

  it("stops at the end of the headers: a Name in the description is not read", () => {
    const result = readPython(image({ [`${SITE}/a-1.dist-info/METADATA`]: "Metadata-Version: 2.1\nVersion: 1\n\nName: from-the-body\n" }));
    expect(result.packages).toEqual([]);
    expect(result.problems).toEqual([{ db: `${SITE}/a-1.dist-info/METADATA`, message: "has no Name header: skipped" }]);
  });
});

describe("python: hostile and broken databases", () => {
  const files = python("python");
  const pygments = text(files.get(`${PYGMENTS}/METADATA`));
  const withPygments = (content: string | Uint8Array, more: Record<string, string | Uint8Array> = {}) =>
    new Map([...files, ...image({ [`${PYGMENTS}/METADATA`]: content, ...more })]);

  it("a METADATA cut short: reported, the other distribution read", () => {
    const result = readPython(withPygments(pygments.slice(0, pygments.indexOf("\nVersion:") + 4)));
    expect(summary(result)).toEqual(["requests 2.22.0"]);
    expect(result.problems).toEqual([{ db: `${PYGMENTS}/METADATA`, message: "(Pygments) has no Version header: skipped" }]);
  });

  it("a 10 MB line: reported and cut; the distribution kept when it is a header not used", () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const inSummary = readPython(withPygments(pygments.replace("Summary: Pygments", `Summary: ${huge}`)));
    expect(summary(inSummary)).toEqual(["Pygments 2.6.1", "requests 2.22.0"]);
    expect(inSummary.problems).toEqual([{ db: `${PYGMENTS}/METADATA`, message: expect.stringMatching(/^line 4 is longer than/) }]);

    const noNewline = readPython(withPygments(huge));
    expect(summary(noNewline)).toEqual(["requests 2.22.0"]);
    expect(noNewline.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^line 1 is longer than/), "has no Name header: skipped"]);

    const inRecord = readPython(withPygments(pygments, { [`${PYGMENTS}/RECORD`]: `${huge}\npygments/util.py,,\n` }));
    expect(inRecord.packages[0]?.files).toEqual([`${SITE}/pygments/util.py`]);
    expect(inRecord.problems).toEqual([{ db: `${PYGMENTS}/RECORD`, message: expect.stringMatching(/^line 1 is longer than/) }]);
  });

  it("a METADATA without Name, or naming no distribution: reported and skipped", () => {
    for (const broken of ["Metadata-Version: 2.1\nVersion: 1.0\n", "Name: not a name!\nVersion: 1.0\n"]) {
      const result = readPython(withPygments(broken));
      expect(summary(result)).toEqual(["requests 2.22.0"]);
      expect(result.problems).toEqual([
        { db: `${PYGMENTS}/METADATA`, message: expect.stringMatching(/^(has no Name header|names the distribution)/) },
      ]);
    }
  });

  it("garbage bytes as METADATA and as RECORD: problems for those files, no throw, the other distribution read", () => {
    for (const seed of [1, 2, 3]) {
      const result = readPython(withPygments(garbage(16 * 1024, seed)));
      expect(summary(result)).toEqual(["requests 2.22.0"]);
      expect(result.problems.every((p) => p.db === `${PYGMENTS}/METADATA`)).toBe(true);
      const record = readPython(withPygments(pygments, { [`${PYGMENTS}/RECORD`]: garbage(16 * 1024, seed) }));
      expect(summary(record)).toEqual(["Pygments 2.6.1", "requests 2.22.0"]);
      expect(record.problems.length).toBeGreaterThan(0);
      expect(record.problems.every((p) => p.db === `${PYGMENTS}/RECORD`)).toBe(true);
    }
  });

  it("invalid UTF-8: reported once, the distribution still read", () => {
    const bytes = utf8(pygments);
    const result = readPython(withPygments(spliced(bytes, bytes.indexOf(0x0a) + 1, new Uint8Array([...utf8("Author: "), 0xff, 0x0a]))));
    expect(summary(result)).toEqual(["Pygments 2.6.1", "requests 2.22.0"]);
    expect(result.problems).toEqual([{ db: `${PYGMENTS}/METADATA`, message: expect.stringContaining("not valid UTF-8") }]);
  });

  it(`more than ${MAX_PACKAGES} distributions: the first ${MAX_PACKAGES} read, the cap reported`, () => {
    const many = new Map(
      Array.from({ length: MAX_PACKAGES + 5 }, (_, i) => [
        `${SITE}/p${String(i).padStart(6, "0")}-1.dist-info/METADATA`,
        utf8(metadata(`p${i}`, "1")),
      ]),
    );
    const result = readPython(many);
    expect(result.packages).toHaveLength(MAX_PACKAGES);
    expect(result.problems).toEqual([
      { db: `${SITE}/p100000-1.dist-info/METADATA`, message: expect.stringContaining(`already holds ${MAX_PACKAGES} packages`) },
    ]);
  });
});
