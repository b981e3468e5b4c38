import type { ChangeKind, EntryType } from "@/lib/core/api-types";
import type { FirstView } from "@/lib/core/image-view";
import { baseName, joinPath, parentOf } from "@/lib/core/paths";
import { presentFields, type TreeItem } from "@/lib/core/tree";

/**
 * Tree items as a page carries them: each run of siblings under its directory's path once, each
 * item a tuple without field names (absent fields null, trailing ones left off). A first view
 * holds whole directories (a thousand children is ordinary): as objects each naming its full path,
 * they were most of a deep link's HTML.
 */
type PackedItem = [
  name: string,
  type: EntryType,
  size: number,
  layer?: number | null,
  total?: number | null,
  linkname?: string | null,
  change?: ChangeKind,
];
export type PackedItems = [dir: string, items: PackedItem[]][];

function packed({ path, type, size, layer, total, linkname, change }: TreeItem): PackedItem {
  const item: PackedItem = [baseName(path), type, size, layer ?? null, total ?? null, linkname ?? null];
  if (change !== undefined) item.push(change);
  while (item.length > 3 && item.at(-1) === null) item.pop();
  return item;
}

/** Items in the same order, their siblings grouped as they come. */
export function packItems(items: readonly TreeItem[]): PackedItems {
  const runs: PackedItems = [];
  for (const item of items) {
    const dir = parentOf(item.path);
    const last = runs.at(-1);
    if (last && last[0] === dir) last[1].push(packed(item));
    else runs.push([dir, [packed(item)]]);
  }
  return runs;
}

export function unpackItems(runs: PackedItems): TreeItem[] {
  return runs.flatMap(([dir, items]) =>
    items.map(([name, type, size, layer, total, linkname, change]) => ({
      path: joinPath(dir, name),
      type,
      size,
      ...presentFields({ layer, linkname, change }),
      ...(total != null && { total }),
    })),
  );
}

/** A first view as the page carries it to the browser. */
export type PackedFirstView = Omit<FirstView, "items"> & { items: PackedItems };

export const packFirstView = ({ items, ...rest }: FirstView): PackedFirstView => ({ ...rest, items: packItems(items) });
export const unpackFirstView = ({ items, ...rest }: PackedFirstView): FirstView => ({ ...rest, items: unpackItems(items) });
