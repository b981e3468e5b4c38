import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { entryJson } from "@/lib/core/entry-json";

const base: LayerEntry = { path: "/usr/bin/env", type: "file", size: 4, mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000 };

describe("entryJson", () => {
  const entries: LayerEntry[] = [
    base,
    { ...base, digest: `sha256:${"ab".repeat(32)}`, offset: 1536, capability: "cap_net_raw=ep" },
    { ...base, path: "/l", type: "symlink", size: 0, linkname: '../target with "quotes" and \\ and \n and \u0001' },
    { ...base, path: "/etc/gone", whiteout: true },
    { ...base, path: "/var", type: "dir", opaque: true, mtime: -1 },
    { ...base, path: "/häßlich ☃ 100%25.txt" },
    { ...base, path: "/lone \ud800 surrogate", uid: 4_294_967_294 },
  ];

  it.each(entries.map((entry) => [entry.path, entry]))("writes %j as JSON that reads back as the entry, as JSON.stringify's does", (_, entry) => {
    const written = entryJson(entry);
    expect(JSON.parse(written)).toEqual(entry);
    expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(entry)));
    expect(written).not.toContain("\n");
  });

  it("quotes a lone surrogate as JSON.stringify does (a \\u escape, not a broken character)", () => {
    expect(entryJson({ ...base, path: "/\ud800" })).toContain('"path":"/\\ud800"');
  });
});
