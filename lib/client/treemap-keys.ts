import type { Tile } from "@/lib/client/treemap";

/**
 * The treemap from the keyboard: the arrows move a focus between the entries of the directory
 * shown (its top tiles), Enter opens the focused one, Escape or Backspace goes up a directory.
 * Pure: the component applies what `treemapKey` answers.
 */
export type TreemapKeyAction = { focus: string } | { open: string } | { up: true };

const DIRECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowRight: [1, 0],
  ArrowLeft: [-1, 0],
  ArrowDown: [0, 1],
  ArrowUp: [0, -1],
};

/** The tiles the focus moves between: the entries of the directory shown, largest first (as laid out). */
export const topTiles = (tiles: readonly Tile[]): Tile[] => tiles.filter((tile) => tile.depth === 1);

/**
 * The top tile next to `from` in a direction: one wholly beyond its edge, the nearest along the
 * direction, counting distance off its line double (so Right stays on the row it is on).
 */
export function neighbour(tiles: readonly Tile[], from: Tile, [dx, dy]: readonly [number, number]): Tile | null {
  const centre = (t: Tile) => [t.x + t.w / 2, t.y + t.h / 2] as const;
  const [fx, fy] = centre(from);
  let best: Tile | null = null;
  let bestScore = Infinity;
  for (const tile of tiles) {
    // Beyond the edge: tiles of one level never overlap, so this leaves out only those beside it.
    const beyond =
      dx > 0
        ? tile.x >= from.x + from.w - 0.5
        : dx < 0
          ? tile.x + tile.w <= from.x + 0.5
          : dy > 0
            ? tile.y >= from.y + from.h - 0.5
            : tile.y + tile.h <= from.y + 0.5;
    if (tile === from || !beyond) continue;
    const [tx, ty] = centre(tile);
    const score = (tx - fx) * dx + (ty - fy) * dy + 2 * Math.abs((tx - fx) * dy - (ty - fy) * dx);
    if (score < bestScore) [best, bestScore] = [tile, score];
  }
  return best;
}

/** What `key` does with the tile `focused` has focus (its path; null: none yet) in the directory `root`. */
export function treemapKey(key: string, tiles: readonly Tile[], focused: string | null, root: string): TreemapKeyAction | null {
  const top = topTiles(tiles);
  const current = top.find((tile) => tile.path === focused);
  const direction = DIRECTIONS[key];
  if (direction) {
    const next = current ? neighbour(top, current, direction) : top[0];
    return next ? { focus: next.path } : null;
  }
  // Hidden bytes are no place to open: their paths are gone.
  if ((key === "Enter" || key === " ") && current && current.kind !== "wasted") return { open: current.path };
  if ((key === "Escape" || key === "Backspace") && root !== "/") return { up: true };
  return null;
}
