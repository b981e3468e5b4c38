import type { Tile } from "@/lib/client/treemap";

/**
 * Paints treemap tiles on a canvas: files in the colour `fill` gives them (their layer's, their
 * package's), directories as nested grey boxes with their names, hidden (wasted) bytes hatched in
 * red. One pass, no per-tile allocation beyond the labels, so tens of thousands of tiles paint in a
 * few milliseconds.
 */

export const WASTED_COLOUR = "#dc2626";
const LABEL_FONT = "11px ui-sans-serif, system-ui, sans-serif";

/** Red diagonal hatching for bytes a later layer hid. */
function hatch(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 6;
  const t = tile.getContext("2d");
  if (!t) return WASTED_COLOUR;
  t.fillStyle = "#fecaca";
  t.fillRect(0, 0, 6, 6);
  t.strokeStyle = WASTED_COLOUR;
  t.lineWidth = 2;
  t.beginPath();
  t.moveTo(-1, 7);
  t.lineTo(7, -1);
  t.stroke();
  return ctx.createPattern(tile, "repeat") ?? WASTED_COLOUR;
}

/** `text` cut with an ellipsis to fit `width` pixels (measured once, then cut by proportion). */
function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  const measured = ctx.measureText(text).width;
  if (measured <= width) return text;
  const keep = Math.floor((text.length * width) / measured) - 1;
  return keep > 1 ? `${text.slice(0, keep)}…` : "";
}

function label(ctx: CanvasRenderingContext2D, tile: Tile, y: number): void {
  const text = fit(ctx, tile.name, tile.w - 6);
  if (text) ctx.fillText(text, tile.x + 3, y);
}

export function drawTreemap(canvas: HTMLCanvasElement, tiles: readonly Tile[], width: number, height: number, fill: (tile: Tile) => string): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const ratio = window.devicePixelRatio || 1;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = LABEL_FONT;
  ctx.textBaseline = "top";
  const wasted = hatch(ctx);
  for (const tile of tiles) {
    if (tile.kind === "dir") {
      ctx.fillStyle = `hsl(240 5% ${Math.max(70, 94 - tile.depth * 4)}%)`;
      ctx.fillRect(tile.x, tile.y, tile.w, tile.h);
      ctx.strokeStyle = "rgba(24, 24, 27, 0.35)";
      ctx.strokeRect(tile.x + 0.5, tile.y + 0.5, tile.w - 1, tile.h - 1);
      if (tile.header) {
        ctx.fillStyle = "#18181b";
        label(ctx, tile, tile.y + 1);
      }
      continue;
    }
    ctx.fillStyle = tile.kind === "wasted" ? wasted : fill(tile);
    ctx.fillRect(tile.x, tile.y, tile.w, tile.h);
    if (tile.w > 3 && tile.h > 3) {
      ctx.strokeStyle = "rgba(255, 255, 255, 0.6)";
      ctx.strokeRect(tile.x + 0.5, tile.y + 0.5, tile.w - 1, tile.h - 1);
    }
    if (tile.w > 40 && tile.h > 14) {
      ctx.fillStyle = "#18181b";
      label(ctx, tile, tile.y + 2);
    }
  }
}
