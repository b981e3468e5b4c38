import type { Change, EntryType, FileMeta, FsFile, FsHidden, LayerEntry } from "@/lib/core/api-types";
import { baseName, comparePaths, parentOf } from "@/lib/core/paths";

/** Where the bytes of a visible file live: a layer and the entry's position in that layer's listing. */
export interface EntryLocation {
  layer: number;
  ordinal: number;
}

/** A path's type and link, and where its bytes are (files and hardlinks to a file; null otherwise): what opening it needs. */
export interface Located {
  type: EntryType;
  linkname?: string;
  bytes: EntryLocation | null;
}

interface Node extends FileMeta {
  layer: number;
  /** Position in its layer's listing; -1 for a parent a layer implied without listing it. */
  ordinal: number;
  /** For hardlinks: the file they link to, as it was when the link was made. */
  target?: EntryLocation & Pick<FileMeta, "path" | "digest" | "capability">;
  children: Map<string, Node> | null;
}

const ROOT_MODE = 0o755;

/** Where a node's bytes are: its own entry's for a file, its target's for a hardlink (the node or target itself, not a copy). */
const bytesOf = (node: Node): EntryLocation | null => (node.type === "file" ? node : node.type === "hardlink" ? (node.target ?? null) : null);

/** A node as opening it needs it. */
function locatedOf(node: Node): Located {
  const at = bytesOf(node);
  const bytes = at && { layer: at.layer, ordinal: at.ordinal };
  return { type: node.type, ...(node.linkname !== undefined && { linkname: node.linkname }), bytes };
}

/**
 * The image filesystem, merged exactly as a runtime applies layers (OCI image-spec layer.md):
 * - `.wh.<name>` deletes `<name>` and everything under it from lower layers only, never from its own;
 * - `.wh..wh..opq` hides all lower-layer children of its directory, wherever it stands in the tar;
 * - a non-directory replacing a directory removes the whole subtree; a directory over a file replaces
 *   it; a directory over a directory merges (the upper's metadata wins);
 * - the same path twice in one layer: the last entry wins;
 * - parents a layer implies but never lists exist as directories;
 * - a hardlink points at a path that may live in a lower layer; it keeps that file's bytes (and
 *   their digest) and, unless its own entry names some, its capabilities (both belong to the inode).
 * Feed layers bottom-up: `addLayer(entries)`; then read `files()`, `changes(i)`, `locate(path)`.
 * Memory grows with the number of entries, never with their bytes.
 */
export class FsMerge {
  private readonly nodes = new Map<string, Node>();
  private readonly layerChanges: Change[][] = [];
  /** Per path, the bytes of regular files there that a later entry replaced or removed: still in the image, seen by no one. */
  private readonly hiddenBytes = new Map<string, number>();
  /** Per layer, aligned with its changes: an added or modified path as opening it in that layer finds it (null for a removal). */
  private readonly layerChangesLocated: (Located | null)[][] = [];
  /** The layer being applied: what it removed from below, and what it added or modified. */
  private current = { layer: 0, removed: new Map<string, Node>(), touched: new Map<string, "added" | "modified">() };

  constructor() {
    this.nodes.set("/", { path: "/", type: "dir", size: 0, mode: ROOT_MODE, uid: 0, gid: 0, layer: -1, ordinal: -1, children: new Map() });
  }

  get layerCount(): number {
    return this.layerChanges.length;
  }

  /** Applies one layer's entries (in tar order; ordinals are positions in that list). */
  addLayer(entries: readonly LayerEntry[]): void {
    const layer = this.layerChanges.length;
    this.current = { layer, removed: new Map(), touched: new Map() };
    const { removed, touched } = this.current;

    // Deletions act on the lower layers only, so they go first: this layer's own entries survive them.
    for (const entry of entries) {
      if (entry.opaque) {
        const dir = this.nodes.get(entry.path);
        if (dir?.children) for (const child of [...dir.children.values()]) this.remove(child);
      } else if (entry.whiteout) {
        const target = this.nodes.get(entry.path);
        if (target && target.path !== "/") this.remove(target);
      }
    }

    entries.forEach((entry, ordinal) => {
      if (entry.whiteout || entry.opaque || entry.path === "/") return;
      this.ensureParents(entry.path);
      const existing = this.nodes.get(entry.path);
      const existedBelow = existing !== undefined && !touched.has(entry.path);
      if (existing?.type === "dir" && entry.type === "dir") {
        const unchanged = existing.mode === entry.mode && existing.uid === entry.uid && existing.gid === entry.gid;
        Object.assign(existing, { mode: entry.mode, uid: entry.uid, gid: entry.gid, layer, ordinal });
        // A directory listed again as it was is not a change users care about.
        if (!(existedBelow && unchanged)) this.classify(entry.path, existedBelow);
        return;
      }
      if (existing) this.remove(existing);
      const node: Node = {
        path: entry.path,
        type: entry.type,
        size: entry.size,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        layer,
        ordinal,
        children: entry.type === "dir" ? new Map() : null,
      };
      if (entry.linkname !== undefined) node.linkname = entry.linkname;
      if (entry.digest !== undefined) node.digest = entry.digest;
      if (entry.capability !== undefined) node.capability = entry.capability;
      if (entry.type === "hardlink" && entry.linkname) this.link(node, entry.linkname);
      this.insert(node);
      this.classify(entry.path, existedBelow);
    });

    const located: [Change, Located | null][] = [];
    for (const [path, change] of touched) {
      const node = this.nodes.get(path);
      if (node) located.push([{ path, change, type: node.type, size: node.size }, locatedOf(node)]);
    }
    for (const [path, node] of removed) {
      if (!this.nodes.has(path)) located.push([{ path, change: "removed", type: node.type, size: node.size }, null]);
    }
    located.sort(([a], [b]) => comparePaths(a.path, b.path));
    this.layerChanges.push(located.map(([change]) => change));
    this.layerChangesLocated.push(located.map(([, at]) => at));
  }

  /** Points a hardlink at the file `linkname` is now: its bytes, and so their digest, are that file's. */
  private link(node: Node, linkname: string): void {
    node.target = this.hardlinkTarget(linkname);
    if (node.target?.digest !== undefined) node.digest = node.target.digest;
    if (node.capability === undefined && node.target?.capability !== undefined) node.capability = node.target.capability;
  }

  private hardlinkTarget(linkname: string): Node["target"] {
    const target = this.nodes.get(linkname);
    if (!target) return undefined;
    if (target.type === "hardlink") return target.target;
    if (target.type !== "file") return undefined;
    return {
      path: target.path,
      layer: target.layer,
      ordinal: target.ordinal,
      ...(target.digest !== undefined && { digest: target.digest }),
      ...(target.capability !== undefined && { capability: target.capability }),
    };
  }

  private classify(path: string, existedBelow: boolean): void {
    const { touched, removed } = this.current;
    if (!touched.has(path)) touched.set(path, existedBelow || removed.has(path) ? "modified" : "added");
  }

  /**
   * Creates missing parents as directories, top down; a non-directory standing where a parent must
   * be is replaced. A loop, not recursion: a hostile path can be tens of thousands of levels deep.
   */
  private ensureParents(path: string): void {
    const missing: string[] = [];
    for (
      let child = path, parent = parentOf(path);
      parent !== child && this.nodes.get(parent)?.type !== "dir";
      child = parent, parent = parentOf(parent)
    ) {
      missing.push(parent);
    }
    for (const parent of missing.reverse()) {
      const existing = this.nodes.get(parent);
      const existedBelow = existing !== undefined && !this.current.touched.has(parent);
      if (existing) this.remove(existing);
      this.insert({
        path: parent,
        type: "dir",
        size: 0,
        mode: ROOT_MODE,
        uid: 0,
        gid: 0,
        layer: this.current.layer,
        ordinal: -1,
        children: new Map(),
      });
      this.classify(parent, existedBelow);
    }
  }

  private insert(node: Node): void {
    this.nodes.set(node.path, node);
    this.nodes.get(parentOf(node.path))?.children?.set(baseName(node.path), node);
  }

  /** Removes a node and its whole subtree (with a stack: it can be deep), remembering every removed path that came from below. */
  private remove(top: Node): void {
    const { removed, touched } = this.current;
    this.nodes.get(parentOf(top.path))?.children?.delete(baseName(top.path));
    const pending = [top];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.children) for (const child of node.children.values()) pending.push(child);
      this.nodes.delete(node.path);
      if (node.type === "file" && node.size > 0) this.hiddenBytes.set(node.path, (this.hiddenBytes.get(node.path) ?? 0) + node.size);
      if (touched.get(node.path) !== "added" && !removed.has(node.path)) removed.set(node.path, node);
    }
  }

  /** Every path in the merged filesystem (root excluded), sorted, with the layer it comes from. */
  files(): FsFile[] {
    const files: FsFile[] = [];
    for (const node of this.nodes.values()) {
      if (node.path === "/") continue;
      const file: FsFile = { path: node.path, type: node.type, size: node.size, mode: node.mode, uid: node.uid, gid: node.gid, layer: node.layer };
      if (node.linkname !== undefined) file.linkname = node.linkname;
      if (node.digest !== undefined) file.digest = node.digest;
      if (node.capability !== undefined) file.capability = node.capability;
      files.push(file);
    }
    return files.sort((a, b) => comparePaths(a.path, b.path));
  }

  /**
   * Per path, the regular-file bytes no one sees: every copy the layers hold, less the visible one.
   * Their sum is what squashing saves; the treemap draws each where it was (all of them, where dive's
   * inefficiencies are only the biggest paths, and count the visible copy too). Path order.
   */
  hidden(): FsHidden[] {
    const hidden = [...this.hiddenBytes].map(([path, size]) => ({ path, size }));
    return hidden.sort((a, b) => comparePaths(a.path, b.path));
  }

  /** What layer `index` added, modified and removed (every removed path, not only subtree tops). */
  changes(index: number): Change[] {
    return this.layerChanges[index] ?? [];
  }

  /** Layer `index`'s changes as opening them in that layer found them then, aligned with `changes(index)` (null for a removal). */
  changesLocated(index: number): readonly (Located | null)[] {
    return this.layerChangesLocated[index] ?? [];
  }

  /** Where the bytes at `path` are, read only: what writing a million of them needs, without a copy each. */
  bytesAt(path: string): Readonly<EntryLocation> | null {
    const node = this.nodes.get(path);
    return node ? bytesOf(node) : null;
  }

  /** The node at `path` with, for files and hardlinks, where its bytes are. */
  locate(path: string): Located | null {
    const node = this.nodes.get(path);
    return node ? locatedOf(node) : null;
  }
}
