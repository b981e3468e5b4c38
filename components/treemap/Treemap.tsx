"use client";

import { useEffect, useRef, useState } from "react";
import { formatBytes } from "@/lib/client/format";
import { clickTarget, layoutTreemap, tileAt, type Tile, type WastedIndex } from "@/lib/client/treemap";
import { drawTreemap } from "@/lib/client/treemap-draw";
import type { TreeNode } from "@/lib/client/tree";

const HEIGHT = 420;

function describe(tile: Tile | null): string {
  if (!tile) return "Click a box to open that directory.";
  const what =
    tile.kind === "wasted" ? "hidden by a later layer (overwritten or deleted)" : tile.layer !== undefined ? `layer ${tile.layer}` : "directory";
  return `${tile.path} · ${formatBytes(tile.size)} · ${what}`;
}

interface TreemapProps {
  /** The directory shown. */
  root: TreeNode;
  wasted: WastedIndex;
  /** The accessible name: what the picture shows. */
  label: string;
  /** A click on a directory (or on a file standing directly in `root`) opens that path. */
  onOpen: (path: string) => void;
}

/** The canvas: laid out and painted again when the directory or the width changes; the time that took is kept in `data-render-ms`. */
export function Treemap({ root, wasted, label, onOpen }: TreemapProps) {
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const tiles = useRef<Tile[]>([]);
  const [width, setWidth] = useState(0);
  const [ratio, setRatio] = useState(1);
  const [rendered, setRendered] = useState<{ ms: number; tiles: number } | null>(null);
  const [hovered, setHovered] = useState<Tile | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    setRatio(window.devicePixelRatio || 1);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!canvas.current || width === 0) return;
    const started = performance.now();
    tiles.current = layoutTreemap(root, wasted, width, HEIGHT);
    drawTreemap(canvas.current, tiles.current, width, HEIGHT);
    setRendered({ ms: Math.round((performance.now() - started) * 10) / 10, tiles: tiles.current.length });
  }, [root, wasted, width, ratio]);

  const point = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top] as const;
  };
  return (
    <div ref={container} className="w-full">
      <canvas
        ref={canvas}
        role="img"
        aria-label={label}
        data-render-ms={rendered?.ms}
        data-tiles={rendered?.tiles}
        width={width * ratio}
        height={HEIGHT * ratio}
        style={{ width, height: HEIGHT }}
        className="block cursor-pointer rounded"
        onMouseMove={(event) => setHovered(tileAt(tiles.current, ...point(event)))}
        onMouseLeave={() => setHovered(null)}
        onClick={(event) => {
          const path = clickTarget(tiles.current, ...point(event));
          if (path && path !== root.path) onOpen(path);
        }}
      />
      <p data-testid="treemap-hover" className="mt-1 truncate font-mono text-xs text-zinc-500">
        {describe(hovered)}
      </p>
    </div>
  );
}
