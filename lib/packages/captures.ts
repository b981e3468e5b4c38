import type { LayerEntry } from "@/lib/core/api-types";
import { concatBytes } from "@/lib/core/bytes";
import type { ContentSink, SinkFor } from "@/lib/layer/entries";
import type { GoScanResult } from "@/lib/packages/go-buildinfo";
import { GoBuildInfoScanner } from "@/lib/packages/go";
import { inventoryWants } from "@/lib/packages/inventory";

/** Package databases are small; a "database" bigger than this is not kept (and not parsed). */
const MAX_CAPTURED_FILE = 32 * 1024 * 1024;
/** Executables smaller than this cannot hold Go build information worth scanning for. */
const MIN_GO_BINARY = 4096;

/** What one pass over a layer keeps besides its listing: the package databases' bytes and Go binaries' build info. */
export interface LayerCaptures {
  files: Map<string, Uint8Array>;
  go: Map<string, GoScanResult>;
}

export function emptyCaptures(): LayerCaptures {
  return { files: new Map(), go: new Map() };
}

function keepWhole(entry: LayerEntry, captures: LayerCaptures): ContentSink {
  const chunks: Uint8Array[] = [];
  return {
    // A copy: the chunk may be a view into the tar parser's own buffers.
    write: (chunk) => chunks.push(chunk.slice()),
    end: () => captures.files.set(entry.path, concatBytes(chunks)),
  };
}

function scanForGo(entry: LayerEntry, captures: LayerCaptures): ContentSink {
  const scanner = new GoBuildInfoScanner();
  return {
    write: (chunk) => {
      if (!scanner.done) scanner.write(chunk);
    },
    end: () => {
      const result = scanner.result();
      if (result.status === "found" || result.status === "unreadable") captures.go.set(entry.path, result);
    },
  };
}

/**
 * The sinks that capture, during the one pass that lists a layer, what package inventories need:
 * the bytes of files a package database parser reads, and the build info of executables (Go
 * binaries are found by scanning, a bounded window at a time, never held whole).
 */
export function captureSinks(captures: LayerCaptures): SinkFor {
  return (entry) => {
    if (entry.type !== "file" || entry.whiteout || entry.opaque) return null;
    if (entry.size <= MAX_CAPTURED_FILE && inventoryWants(entry.path)) return keepWhole(entry, captures);
    if (entry.size >= MIN_GO_BINARY && (entry.mode & 0o111) !== 0) return scanForGo(entry, captures);
    return null;
  };
}
