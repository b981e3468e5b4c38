"use client";

import { useEffect, useState } from "react";
import type { LayerEntry, LayerInfo } from "@/lib/core/api-types";
import type { TreeItem } from "@/lib/client/tree";

export interface LayerProgress {
  entries: number;
  state: "waiting" | "streaming" | "done" | "error";
  message?: string;
}

export interface LayerStreams {
  progress: LayerProgress[];
  /**
   * A provisional tree of what has streamed so far (upper layers win, whiteouts not yet applied),
   * so files appear while the layers are still being read; the exact merge replaces it.
   */
  provisional: TreeItem[] | null;
}

const PROVISIONAL_EVERY_MS = 300;

function provisionalItems(layers: readonly LayerEntry[][]): TreeItem[] {
  const items = new Map<string, TreeItem>();
  layers.forEach((entries, layer) => {
    for (const entry of entries) {
      if (entry.whiteout || entry.opaque || entry.path === "/") continue;
      items.set(entry.path, { path: entry.path, type: entry.type, size: entry.size, layer, ...(entry.linkname !== undefined && { linkname: entry.linkname }) });
    }
  });
  return [...items.values()];
}

/**
 * Streams every layer's NDJSON listing to show progress while the server reads the layers (and
 * warms its cache for the merged tree, which shares the same downloads).
 */
export function useLayerStreams(ref: string, layers: readonly LayerInfo[] | undefined): LayerStreams {
  const [progress, setProgress] = useState<LayerProgress[]>([]);
  const [provisional, setProvisional] = useState<TreeItem[] | null>(null);
  const key = layers?.map((l) => l.digest).join(",") ?? "";
  useEffect(() => {
    if (!layers) return;
    const controller = new AbortController();
    const state: LayerProgress[] = layers.map(() => ({ entries: 0, state: "waiting" }));
    const entries: LayerEntry[][] = layers.map(() => []);
    let scheduled = false;
    let lastTree = 0;
    const publish = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        setProgress(state.map((s) => ({ ...s })));
        if (performance.now() - lastTree > PROVISIONAL_EVERY_MS || state.every((s) => s.state === "done" || s.state === "error")) {
          lastTree = performance.now();
          setProvisional(provisionalItems(entries));
        }
      });
    };
    publish();
    const streamOne = async (index: number) => {
      const current = state[index] as LayerProgress;
      current.state = "streaming";
      publish();
      try {
        const response = await fetch(`/api/v1/layer?${new URLSearchParams({ ref, digest: (layers[index] as LayerInfo).digest })}`, { signal: controller.signal });
        if (!response.ok || !response.body) {
          const body = await response.json().catch(() => null);
          throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffered = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffered += value;
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) {
            if (!line) continue;
            const item = JSON.parse(line);
            if (item.error) throw new Error(item.error.message);
            if (item.done) current.state = "done";
            else {
              current.entries++;
              (entries[index] as LayerEntry[]).push(item as LayerEntry);
            }
          }
          publish();
        }
        if (current.state !== "done") throw new Error("the listing ended early");
      } catch (error) {
        if (controller.signal.aborted) return;
        current.state = "error";
        current.message = (error as Error).message;
      }
      publish();
    };
    let next = 0;
    const worker = async () => {
      while (next < layers.length && !controller.signal.aborted) await streamOne(next++);
    };
    void Promise.all([worker(), worker(), worker()]);
    return () => controller.abort();
  }, [ref, key]); // `key` stands for `layers`: new array, same digests, same streams
  return { progress, provisional };
}
