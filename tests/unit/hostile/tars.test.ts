/**
 * Hostile tar layers, each with the exact behaviour expected: names that try to leave `/`, header
 * fields tar-stream cannot read, PAX headers too big or with absurd sizes, a path 10 000
 * directories deep, and layers too big to hold (a million entries, a 2 GiB file) made lazily.
 */
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { buildTree, findNode, visibleRows } from "@/lib/core/tree";
import { PortholeError } from "@/lib/core/errors";
import { diveEfficiency, diveLayerTree } from "@/lib/fs/dive-efficiency";
import { FsMerge } from "@/lib/fs/merge";
import { listLayer, openLayerEntry } from "@/lib/layer/read";
import { rss, within } from "@/tests/support/run";
import { END_OF_ARCHIVE, fixChecksum, gnuLongEntry, lazyEmptyEntries, lazyZeroFile, paxHeader, rawEntry, tarHeader } from "@/tests/support/tar";

async function listUntilFailure(body: Readable): Promise<{ entries: LayerEntry[]; error: PortholeError | null }> {
  const entries: LayerEntry[] = [];
  try {
    for await (const batch of listLayer(body)) entries.push(...batch);
    return { entries, error: null };
  } catch (error) {
    return { entries, error: error as PortholeError };
  }
}

const listBytes = (bytes: Buffer) => listUntilFailure(Readable.from([bytes]));

describe("names that try to leave /", () => {
  const prefixed = rawEntry("name", { content: "p" });
  prefixed.write("../../../prefix", 345, "latin1"); // the ustar prefix field
  fixChecksum(prefixed, 0);
  const archive = Buffer.concat([
    rawEntry("../../etc/passwd", { content: "x" }),
    rawEntry("/abs/../../root", { content: "y" }),
    prefixed,
    paxHeader({ path: "../../../../pax/escape" }),
    rawEntry("short", { content: "z" }),
    gnuLongEntry(`${"../".repeat(60)}gnu/escape`, { content: "g" }),
    rawEntry("link", { type: "1", linkname: "../../etc/shadow" }),
    rawEntry("sym", { type: "2", linkname: "../../../etc/shadow" }),
    rawEntry("a/b/.wh..", {}),
    rawEntry("a/.wh...", {}),
    rawEntry("../../.wh..wh..opq", {}),
    END_OF_ARCHIVE,
  ]);

  it("are listed cleaned, inside /, from every place a tar keeps a name", async () => {
    const { entries, error } = await listBytes(archive);
    expect(error).toBeNull();
    expect(entries.map((e) => [e.path, e.type, e.linkname ?? null, e.whiteout ?? e.opaque ?? false])).toEqual([
      ["/etc/passwd", "file", null, false],
      ["/root", "file", null, false],
      ["/prefix/name", "file", null, false],
      ["/pax/escape", "file", null, false],
      ["/gnu/escape", "file", null, false],
      ["/link", "hardlink", "/etc/shadow", false],
      // A symlink's target is data shown as written: Porthole never follows links on a disk.
      ["/sym", "symlink", "../../../etc/shadow", false],
      // `.wh..` and `.wh...` read as Docker's filepath.Join reads them: the directory, its parent.
      ["/a/b", "file", null, true],
      ["/", "file", null, true],
      ["/", "file", null, true],
    ]);
  });

  it("merge into a filesystem with every path inside /", async () => {
    const merge = new FsMerge();
    merge.addLayer((await listBytes(archive)).entries);
    expect(merge.files().map((f) => f.path)).toEqual([
      "/etc",
      "/etc/passwd",
      "/gnu",
      "/gnu/escape",
      "/link",
      "/pax",
      "/pax/escape",
      "/prefix",
      "/prefix/name",
      "/root",
      "/sym",
    ]);
  });
});

describe("header fields that are not numbers", () => {
  it("an unreadable base-256 size fails the layer at once instead of stalling it for good", async () => {
    const broken = rawEntry("stalls", { content: "abc" });
    Buffer.from([0xa3, 0x22, 0x66, 0x02, 0xe5, 0xac, 0x63, 0xcd, 0x74, 0x40, 0x3b, 0xee]).copy(broken, 124);
    fixChecksum(broken, 0);
    let result: Awaited<ReturnType<typeof listBytes>> | null = null;
    const outcome = await within(
      5000,
      async () => ((result = await listBytes(Buffer.concat([rawEntry("before"), broken, END_OF_ARCHIVE]))), 0),
      () => {},
    );
    expect(outcome.kind).toBe("finished");
    expect(result!.entries.map((e) => e.path)).toEqual(["/before"]);
    expect(result!.error?.code).toBe("UPSTREAM_INVALID");
    expect(result!.error?.message).toMatch(/size field is not a number/);
  });

  it("a mode, uid or mtime that is not octal fails the layer rather than listing NaN", async () => {
    for (const [field, offset] of [
      ["mode", 100],
      ["uid", 108],
      ["mtime", 136],
    ] as const) {
      const broken = rawEntry("f", { content: "x" });
      broken.write("8".repeat(7), offset, "latin1");
      fixChecksum(broken, 0);
      const { entries, error } = await listBytes(Buffer.concat([broken, END_OF_ARCHIVE]));
      expect(entries, field).toEqual([]);
      expect(error?.code, field).toBe("UPSTREAM_INVALID");
      expect(error?.message, field).toContain(`${field} field is not a number`);
    }
  });
});

describe("PAX headers", () => {
  it("one over Go's 1 MiB limit fails as an invalid layer without reading it into memory", async () => {
    let sent = 0;
    const records = Buffer.from(`${"x".repeat(64 * 1024)}\n`);
    const body = Readable.from(
      (function* () {
        yield Buffer.concat([rawEntry("first", { content: "1" }), tarHeader("PaxHeaders/huge", { size: 64 * 2 ** 20, type: "x" })]);
        for (; sent < 64 * 2 ** 20; sent += records.length) yield records;
      })(),
    );
    const { entries, error } = await listUntilFailure(body);
    expect(entries.map((e) => e.path)).toEqual(["/first"]);
    expect(error?.code).toBe("UPSTREAM_INVALID");
    expect(error?.message).toMatch(
      /a type-x header of 67108864 bytes, over the 1048576 bytes Go reads.*Docker and containerd would refuse this layer/,
    );
    expect(sent).toBeLessThan(2 ** 20); // refused on its header, not after buffering 64 MiB
  });

  it("a GNU long name over the limit fails the same way", async () => {
    const { error } = await listBytes(Buffer.concat([tarHeader("././@LongLink", { size: 2 ** 20 + 1, type: "L" }), Buffer.alloc(4096)]));
    expect(error?.code).toBe("UPSTREAM_INVALID");
    expect(error?.message).toMatch(/a type-L header of 1048577 bytes/);
  });

  it("a size record past 64 bits is refused (Go's ParseInt), the entry unlisted", async () => {
    const archive = Buffer.concat([paxHeader({ size: "99999999999999999999" }), rawEntry("big", { content: "only this" }), END_OF_ARCHIVE]);
    const { entries, error } = await listBytes(archive);
    expect(entries).toEqual([]);
    expect(error?.code).toBe("UPSTREAM_INVALID");
    expect(error?.message).toMatch(/a malformed PAX size/);
  });

  it("a size record bigger than what follows makes the entry claim bytes that never come: truncated, the entry unlisted", async () => {
    const archive = Buffer.concat([paxHeader({ size: String(2 ** 40) }), rawEntry("big", { content: "only this" }), END_OF_ARCHIVE]);
    const { entries, error } = await listBytes(archive);
    expect(entries).toEqual([]); // a file whose bytes never arrive has no digest, so it is never listed
    expect(error?.code).toBe("UPSTREAM_INVALID");
    expect(error?.message).toMatch(/ended early/);
  });

  it("a negative or non-numeric size record is an invalid header", async () => {
    for (const size of ["-1", "abc"]) {
      const { entries, error } = await listBytes(Buffer.concat([paxHeader({ size }), rawEntry("f", { content: "x" }), END_OF_ARCHIVE]));
      expect(entries, size).toEqual([]);
      expect(error?.code, size).toBe("UPSTREAM_INVALID");
    }
  });
});

describe("a path 10 000 directories deep", async () => {
  const DEPTH = 10_000;
  const deep = `${"d/".repeat(DEPTH - 1)}f`;
  const { entries, error } = await listBytes(
    Buffer.concat([paxHeader({ path: deep }), rawEntry("placeholder", { content: "deep" }), END_OF_ARCHIVE]),
  );
  const whiteout: LayerEntry = { path: "/d", type: "file", size: 0, mode: 0, uid: 0, gid: 0, mtime: 0, whiteout: true };

  it("lists", () => {
    expect(error).toBeNull();
    expect(entries.map((e) => e.path)).toEqual([`/${deep}`]);
  });

  it("merges, implied parents and all, and a whiteout removes the whole chain", () => {
    const merge = new FsMerge();
    merge.addLayer(entries);
    expect(merge.files()).toHaveLength(DEPTH);
    expect(merge.changes(0).filter((c) => c.change === "added")).toHaveLength(DEPTH);
    expect(merge.locate(`/${deep}`)?.bytes).toEqual({ layer: 0, ordinal: 0 });
    merge.addLayer([whiteout]);
    expect(merge.files()).toEqual([]);
    expect(merge.changes(1).filter((c) => c.change === "removed")).toHaveLength(DEPTH);
  });

  it("gives dive's figures, whiteout of the deep tree included", () => {
    const figures = diveEfficiency([diveLayerTree(entries), diveLayerTree([whiteout])]);
    expect(figures.sizeBytes).toBe(4);
    expect(figures.inefficiencies).toEqual([]);
  });

  it("builds the browser's tree, filters and expands it", () => {
    const merge = new FsMerge();
    merge.addLayer(entries);
    for (const items of [merge.files(), [{ path: `/${deep}`, type: "file" as const, size: 4 }]]) {
      const root = buildTree(items);
      expect(root.total).toBe(4);
      expect(findNode(root, `/${deep}`)?.depth).toBe(DEPTH);
      expect(visibleRows(root, { expanded: new Set(), sort: "name", matches: (path) => path.endsWith("/f") })).toHaveLength(DEPTH);
      const everything = new Set(merge.files().map((f) => f.path));
      expect(visibleRows(root, { expanded: everything, sort: "size" })).toHaveLength(DEPTH);
    }
  });
});

describe("layers too big to hold stream in bounded memory", () => {
  const MiB = 2 ** 20;

  it("a million empty entries", async () => {
    const COUNT = 1_000_000;
    const before = rss();
    let peak = before;
    let count = 0;
    let last: LayerEntry | null = null;
    for await (const batch of listLayer(lazyEmptyEntries(COUNT))) {
      if (Math.floor((count + batch.length) / 50_000) > Math.floor(count / 50_000)) peak = Math.max(peak, process.memoryUsage().rss);
      count += batch.length;
      last = batch.at(-1) ?? last;
    }
    console.log(`${count} entries listed, RSS grew ${Math.round((peak - before) / MiB)} MiB`);
    expect(count).toBe(COUNT);
    expect(last?.path).toBe(`/f/${COUNT - 1}`);
    expect(peak - before).toBeLessThan(200 * MiB);
  }, 60_000);

  it("a 2 GiB file of zeros, gzip-compressed on the fly, read through openLayerEntry", async () => {
    const SIZE = 2 * 2 ** 30;
    const before = rss();
    let peak = before;
    let bytes = 0;
    const opened = await openLayerEntry(lazyZeroFile("zeros", SIZE).pipe(createGzip({ level: 1 })), 0);
    expect(opened?.entry).toMatchObject({ path: "/zeros", size: SIZE });
    for await (const chunk of (opened as NonNullable<typeof opened>).content as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes % (256 * MiB) < chunk.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    console.log(`${bytes} bytes read, RSS grew ${Math.round((peak - before) / MiB)} MiB`);
    expect(bytes).toBe(SIZE);
    expect(peak - before).toBeLessThan(200 * MiB);
  }, 60_000);
});
