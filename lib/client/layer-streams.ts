"use client";

import { useEffect, useState } from "react";
import type { LayerInfo } from "@/lib/api-types";

export interface LayerProgress {
  entries: number;
  state: "waiting" | "streaming" | "done" | "error";
  message?: string;
}

/**
 * Streams every layer's NDJSON listing to show progress while the server reads the layers (and
 * warms its cache for the merged tree, which shares the same downloads).
 */
export function useLayerStreams(ref: string, layers: readonly LayerInfo[] | undefined): LayerProgress[] {
  const [progress, setProgress] = useState<LayerProgress[]>([]);
  const key = layers?.map((l) => l.digest).join(",") ?? "";
  useEffect(() => {
    if (!layers) return;
    const controller = new AbortController();
    const state: LayerProgress[] = layers.map(() => ({ entries: 0, state: "waiting" }));
    let scheduled = false;
    const publish = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        setProgress(state.map((s) => ({ ...s })));
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
            else current.entries++;
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

  return progress;
}
