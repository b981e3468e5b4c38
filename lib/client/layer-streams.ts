import { useEffect, useState } from "react";
import type { LayerEntry, LayerInfo } from "@/lib/core/api-types";
import { useViewSource } from "@/lib/client/views";
import type { TreeItem } from "@/lib/core/tree";

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
/** The first tree is drawn from at most this many entries: a huge image's layers stream for their progress only. */
const PROVISIONAL_MAX_ENTRIES = 50_000;
const PARALLEL_STREAMS = 3;

function provisionalItems(layers: readonly LayerEntry[][]): TreeItem[] {
  const items = new Map<string, TreeItem>();
  layers.forEach((entries, layer) => {
    for (const entry of entries) {
      if (entry.whiteout || entry.opaque || entry.path === "/") continue;
      items.set(entry.path, {
        path: entry.path,
        type: entry.type,
        size: entry.size,
        layer,
        ...(entry.linkname !== undefined && { linkname: entry.linkname }),
      });
    }
  });
  return [...items.values()];
}

/**
 * Streams every layer's listing to show progress while the server reads the layers (and warms its
 * cache for the merged tree, which shares the same downloads). `ref` is null until it is known.
 */
export function useLayerStreams(ref: string | null, layers: readonly LayerInfo[] | undefined): LayerStreams {
  const source = useViewSource();
  const [progress, setProgress] = useState<LayerProgress[]>([]);
  const [provisional, setProvisional] = useState<TreeItem[] | null>(null);
  // The effect depends on the digests, not on the array: a new array of the same layers must not restart the streams.
  const digestList = layers?.map((layer) => layer.digest).join(" ");
  useEffect(() => {
    if (ref === null || digestList === undefined) return;
    const digests = digestList ? digestList.split(" ") : [];
    const controller = new AbortController();
    const view = source.view(ref, null);
    const state: LayerProgress[] = digests.map(() => ({ entries: 0, state: "waiting" }));
    const entries: LayerEntry[][] = digests.map(() => []);
    let kept = 0;
    // Renders at most once a frame, and rebuilds the provisional tree less often than that.
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
    const streamOne = async (index: number) => {
      const current = state[index] as LayerProgress;
      current.state = "streaming";
      publish();
      try {
        for await (const entry of view.layerEntries(digests[index] as string, controller.signal)) {
          if (kept++ < PROVISIONAL_MAX_ENTRIES) (entries[index] as LayerEntry[]).push(entry);
          current.entries++;
          publish();
        }
        current.state = "done";
      } catch (error) {
        if (controller.signal.aborted) return;
        current.state = "error";
        current.message = (error as Error).message;
      }
      publish();
    };
    let next = 0;
    const worker = async () => {
      while (next < digests.length && !controller.signal.aborted) await streamOne(next++);
    };
    publish();
    void Promise.all(Array.from({ length: PARALLEL_STREAMS }, worker));
    return () => controller.abort();
  }, [ref, digestList, source]);
  return { progress, provisional };
}
