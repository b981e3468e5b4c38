import type { InstalledPackage } from "@/lib/core/api-types";
import { packageLabel, type OwnerIndex } from "@/lib/client/package-owners";
import type { Tile } from "@/lib/client/treemap";
import { preorder, type TreeNode } from "@/lib/core/tree";

/**
 * What the treemap's file tiles are coloured by: the layer their visible version comes from, or
 * the package that owns them. Package names are attacker-written: only ever shown as text.
 */
export interface LegendItem {
  label: string;
  colour: string;
  /** Bytes of the directory shown that have this colour; undefined where the legend does not weigh them. */
  size?: number;
}

export interface Colouring {
  fill: (tile: Tile) => string;
  /** What a tile's colour says, for the hover line (`layer 2`, `deb:coreutils 9.1-1`). */
  name: (tile: Tile) => string;
  legend: LegendItem[];
}

/** The index-th colour: hues a golden angle apart, so neighbours in a legend never look alike. */
export function paletteColour(index: number): string {
  return `hsl(${Math.round((200 + index * 137.508) % 360)} 55% 62%)`;
}

/** Files no package lists, and packages past the legend's named ones: neutral, so the named stand out. */
export const NO_PACKAGE_COLOUR = "#78716c";
export const OTHER_PACKAGES_COLOUR = "#d6d3d1";
/** How many packages the legend names (and colours apart). */
const NAMED_PACKAGES = 10;

export function layerColouring(layers: readonly number[]): Colouring {
  return {
    fill: (tile) => paletteColour(tile.layer ?? 0),
    name: (tile) => `layer ${tile.layer}`,
    legend: layers.map((layer) => ({ label: `layer ${layer}`, colour: paletteColour(layer) })),
  };
}

/** The package a file belongs to: the first whose database entry lists it. */
const ownerOf = (owners: OwnerIndex, path: string): InstalledPackage | undefined => owners.byPath.get(path)?.[0];

/** The bytes each package holds in `dir` (and those of no package), biggest package first. */
function packageBytes(dir: TreeNode, owners: OwnerIndex): { ranked: [InstalledPackage, number][]; none: number } {
  const bytes = new Map<InstalledPackage, number>();
  let none = 0;
  for (const node of preorder(dir, (n) => n.type === "dir")) {
    if (node.type === "dir" || node.size <= 0) continue;
    const pkg = ownerOf(owners, node.path);
    if (pkg) bytes.set(pkg, (bytes.get(pkg) ?? 0) + node.size);
    else none += node.size;
  }
  return { ranked: [...bytes].sort((a, b) => b[1] - a[1]), none };
}

/** Colours the biggest packages of `dir` apart, the rest alike, and files of no package neutral. */
export function packageColouring(dir: TreeNode, owners: OwnerIndex): Colouring {
  const { ranked, none } = packageBytes(dir, owners);
  const named = ranked.slice(0, NAMED_PACKAGES);
  const colours = new Map(named.map(([pkg], i) => [pkg, paletteColour(i)]));
  const others = ranked.slice(NAMED_PACKAGES).reduce((sum, [, size]) => sum + size, 0);
  const legend: LegendItem[] = named.map(([pkg, size], i) => ({ label: packageLabel(pkg), colour: paletteColour(i), size }));
  if (others > 0) legend.push({ label: `${ranked.length - named.length} other packages`, colour: OTHER_PACKAGES_COLOUR, size: others });
  if (none > 0) legend.push({ label: "not from a package", colour: NO_PACKAGE_COLOUR, size: none });
  return {
    fill: (tile) => {
      const pkg = ownerOf(owners, tile.path);
      return pkg ? (colours.get(pkg) ?? OTHER_PACKAGES_COLOUR) : NO_PACKAGE_COLOUR;
    },
    name: (tile) => {
      const pkg = ownerOf(owners, tile.path);
      return pkg ? packageLabel(pkg) : "not from a package";
    },
    legend,
  };
}
