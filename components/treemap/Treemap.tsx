"use client";

import { useEffect, useId, useRef, useState } from "react";
import { formatBytes, formatCount } from "@/lib/core/format";
import { clickTarget, layoutTreemap, tileAt, type Tile, type WastedIndex } from "@/lib/client/treemap";
import type { Colouring } from "@/lib/client/treemap-colours";
import { drawTreemap } from "@/lib/client/treemap-draw";
import { topTiles, treemapKey } from "@/lib/client/treemap-keys";
import { parentOf } from "@/lib/core/paths";
import type { TreeNode } from "@/lib/core/tree";

const HEIGHT = 420;

/**
 * The tile to focus when the next treemap mounts: a key opened a directory (its first tile) or went
 * up (the directory it left), and the page changed under the keyboard user. Null: a mouse did.
 */
let focusNext: { tile: string | null } | null = null;

function describe(tile: Tile | null, colouring: Colouring): string {
  if (!tile) return "Click a box to open its directory; from the keyboard: arrows, Enter, Escape.";
  const hidden = tile.hiddenFiles > 1 ? `${formatCount(tile.hiddenFiles)} files hidden` : "hidden";
  const what =
    tile.kind === "wasted" ? `${hidden} by a later layer (overwritten or deleted)` : tile.kind === "dir" ? "directory" : colouring.name(tile);
  return `${tile.path} · ${formatBytes(tile.size)} · ${what}`;
}

interface TreemapProps {
  /** The directory shown. */
  root: TreeNode;
  wasted: WastedIndex;
  colouring: Colouring;
  /** The accessible name: what the picture shows. */
  label: string;
  /** Opens a path: a directory's treemap, or a file standing directly in `root`. */
  onOpen: (path: string) => void;
}

/**
 * The canvas: laid out again when the directory or the width changes, painted again when the
 * colouring does; the time that took is kept in `data-render-ms`. Focusable: the arrows move a
 * ring between the top tiles, whose description is announced.
 */
export function Treemap({ root, wasted, colouring, label, onOpen }: TreemapProps) {
  const container = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [ratio, setRatio] = useState(1);
  const [tiles, setTiles] = useState<Tile[]>([]);
  const [rendered, setRendered] = useState<{ ms: number; tiles: number } | null>(null);
  const [hovered, setHovered] = useState<Tile | null>(null);
  const [focused, setFocused] = useState<string | null>(() => focusNext?.tile ?? null);
  const [active, setActive] = useState(false);
  const describedBy = useId();

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    setRatio(window.devicePixelRatio || 1);
    return () => observer.disconnect();
  }, []);

  // A new directory (this canvas, or a new one the page put in its place) takes the keyboard's focus.
  useEffect(() => {
    if (focusNext) canvas.current?.focus();
    focusNext = null;
  }, [root]);

  useEffect(() => {
    if (!canvas.current || width === 0) return;
    const started = performance.now();
    const laid = layoutTreemap(root, wasted, width, HEIGHT);
    drawTreemap(canvas.current, laid, width, HEIGHT, colouring.fill);
    setTiles(laid);
    setRendered({ ms: Math.round((performance.now() - started) * 10) / 10, tiles: laid.length });
  }, [root, wasted, colouring, width, ratio]);

  // The focus stays on its tile while it is laid out; otherwise (none yet, or gone) on the biggest.
  const top = topTiles(tiles);
  const ring = active ? (top.find((tile) => tile.path === focused) ?? top[0]) : undefined;
  const open = (path: string, focus: typeof focusNext) => {
    focusNext = focus;
    if (focus) setFocused(focus.tile);
    onOpen(path);
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    const action = treemapKey(event.key, tiles, ring?.path ?? null, root.path);
    if (!action) return;
    event.preventDefault();
    if ("focus" in action) setFocused(action.focus);
    else if ("open" in action) open(action.open, { tile: null });
    else open(parentOf(root.path), { tile: root.path });
  };
  const point = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top] as const;
  };
  return (
    <div ref={container} className="relative w-full">
      <canvas
        ref={canvas}
        role="img"
        tabIndex={0}
        aria-label={label}
        aria-describedby={describedBy}
        data-render-ms={rendered?.ms}
        data-tiles={rendered?.tiles}
        width={width * ratio}
        height={HEIGHT * ratio}
        style={{ width, height: HEIGHT }}
        className="block cursor-pointer rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        onKeyDown={onKeyDown}
        onFocus={() => setActive(true)}
        onBlur={() => setActive(false)}
        onMouseMove={(event) => setHovered(tileAt(tiles, ...point(event)))}
        onMouseLeave={() => setHovered(null)}
        onClick={(event) => {
          const path = clickTarget(tiles, ...point(event));
          if (path && path !== root.path) open(path, null);
        }}
      />
      {ring && (
        <div
          aria-hidden
          data-testid="treemap-focus-ring"
          className="pointer-events-none absolute rounded-sm outline outline-2 outline-offset-[-2px] outline-sky-600"
          style={{ left: ring.x, top: ring.y, width: ring.w, height: ring.h }}
        />
      )}
      <p data-testid="treemap-hover" className="mt-1 truncate font-mono text-xs text-zinc-500">
        {describe(hovered, colouring)}
      </p>
      <p id={describedBy} data-testid="treemap-focus" aria-live="polite" className="truncate font-mono text-xs text-zinc-500">
        {ring ? `Focused: ${describe(ring, colouring)}` : ""}
      </p>
    </div>
  );
}
