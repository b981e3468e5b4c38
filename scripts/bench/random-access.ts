import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LayerEntry } from "../../lib/core/api-types";
import { countingProxy } from "./counting-proxy";

/** What the file viewer asks for when a file is opened: its first page. */
const VIEWER_PAGE = 2 * 1024 * 1024;
const FILES = 20;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] as number;

interface App {
  cacheDir: string;
  stop(): Promise<void>;
}

/** The seek index's size in the app's cache: the entry whose content starts as its format does. */
function seekIndexBytes(cacheDir: string): number {
  const files = readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    const head = Buffer.alloc(32);
    const fd = openSync(path, "r");
    readSync(fd, head, 0, 32, 0);
    closeSync(fd);
    if (head.toString("latin1").startsWith('{"version":2,"format":')) return statSync(path).size;
  }
  return 0;
}

/**
 * Random access into a listed layer: a fresh app, pointed at the registry through a counting
 * proxy, lists the layer once (building its seek index), then opens 20 files spread across the
 * layer (by their offset in the tar) as the viewer does, one layer's view and the merged view.
 */
export async function randomAccessFigures(options: {
  registry: { host: string; port: number };
  proxyPort: number;
  repository: string;
  tag: string;
  digest: string;
  appUrl: string;
  startApp: () => Promise<App>;
}) {
  const proxy = await countingProxy({ host: "127.0.0.1", port: options.proxyPort }, options.registry);
  const app = await options.startApp();
  try {
    const ref = encodeURIComponent(`127.0.0.1:${options.proxyPort}/${options.repository}:${options.tag}`);
    const listingStarted = performance.now();
    const listing = await (await fetch(`${options.appUrl}/api/v1/layer?ref=${ref}&digest=${options.digest}`)).text();
    const listingMs = performance.now() - listingStarted;
    const listingBytes = proxy.received();
    const files = listing
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as LayerEntry & { done?: true })
      .filter((entry) => !entry.done && entry.type === "file" && entry.offset !== undefined);
    const open = async (path: string, layer: boolean) => {
      const before = proxy.received();
      const started = performance.now();
      const url = `${options.appUrl}/api/v1/file?ref=${ref}&path=${encodeURIComponent(path)}&length=${VIEWER_PAGE}${layer ? `&layer=${options.digest}` : ""}`;
      const response = await fetch(url);
      const body = Buffer.from(await response.arrayBuffer());
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${body.toString("utf8", 0, 500)}`);
      return { ms: performance.now() - started, fetched: proxy.received() - before, via: response.headers.get("x-porthole-read") };
    };
    // Each view opens files of its own: a small file opened once is kept in memory, and then would not be read again.
    const byLayer = [];
    for (const file of spread(files, 0.25)) byLayer.push(await open(file.path, true));
    const merged = [];
    for (const file of spread(files, 0.75)) merged.push(await open(file.path, false));
    return {
      listingMs,
      listingBytes,
      seekIndexBytes: seekIndexBytes(app.cacheDir),
      layer: summary(byLayer),
      merged: summary(merged),
    };
  } finally {
    await app.stop();
    await proxy.close();
  }
}

/** `FILES` files at evenly spaced places in the layer's tar, `at` (0–1) of the way into each stretch. */
function spread(files: LayerEntry[], at: number): LayerEntry[] {
  const sorted = [...files].sort((a, b) => (a.offset as number) - (b.offset as number));
  return Array.from({ length: FILES }, (_, i) => sorted[Math.floor(((i + at) * sorted.length) / FILES)] as LayerEntry);
}

function summary(opens: { ms: number; fetched: number; via: string | null }[]) {
  return {
    medianMs: median(opens.map((o) => o.ms)),
    p95Ms: p95(opens.map((o) => o.ms)),
    medianFetchedMiB: median(opens.map((o) => o.fetched)) / 2 ** 20,
    maxFetchedMiB: Math.max(...opens.map((o) => o.fetched)) / 2 ** 20,
    streamed: opens.filter((o) => o.via !== "range").length,
  };
}
