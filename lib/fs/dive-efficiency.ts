import type { LayerEntry } from "@/lib/core/api-types";
import { comparePaths, WHITEOUT_PREFIX, whiteoutMarkerPath } from "@/lib/core/paths";

/**
 * dive's image efficiency, reimplemented to give dive's numbers (users compare them), quirks and
 * all. dive's model differs from the OCI merge in lib/fs/merge.ts on purpose:
 * - each layer is a tree built from its tar entries; parents not listed get an empty payload;
 *   opaque markers are dropped (but still create their parent nodes); `.wh.x` stays a leaf named so;
 * - every leaf of every layer counts one occurrence of its path, sized by its tar header size; a
 *   whiteout leaf is sized by the subtree it deletes if that was a directory in the layers below
 *   (stacked dive's way), else 0; a whiteout whose target does not exist below ends that layer's count;
 * - efficiency = Σ smallest occurrence / Σ all occurrences over paths; wasted bytes = Σ all
 *   occurrences of paths seen more than once; user wasted % = wasted / Σ sizes of layers after the first.
 * A layer's size is the sum of the tar header sizes of its entries.
 */
interface DiveNode {
  name: string;
  children: Map<string, DiveNode>;
  info: { size: number; isDir: boolean } | null;
}

const newNode = (name: string): DiveNode => ({ name, children: new Map(), info: null });

function components(path: string): string[] {
  return path.split("/").filter(Boolean);
}

/** dive's AddPath: walk/create the nodes, put the payload on the last one. */
function addPath(root: DiveNode, path: string, info: DiveNode["info"]): void {
  const names = components(path);
  let node = root;
  for (const name of names) {
    let child = node.children.get(name);
    if (!child) {
      if (name.startsWith(".wh..wh.")) return;
      child = newNode(name);
      node.children.set(name, child);
    }
    node = child;
  }
  if (names.length > 0) node.info = info;
}

function getNode(root: DiveNode, path: string): DiveNode | null {
  let node: DiveNode | undefined = root;
  for (const name of components(path)) {
    node = node.children.get(name);
    if (!node) return null;
  }
  return node;
}

function removePath(root: DiveNode, path: string): void {
  const names = components(path);
  const parent = getNode(root, `/${names.slice(0, -1).join("/")}`);
  parent?.children.delete(names[names.length - 1] ?? "");
}

// The walks below use explicit stacks, not recursion: a hostile layer's paths can be tens of
// thousands of levels deep.

function copy(tree: DiveNode): DiveNode {
  const shallow = (node: DiveNode): DiveNode => ({ name: node.name, info: node.info && { ...node.info }, children: new Map() });
  const top = shallow(tree);
  const pending: [DiveNode, DiveNode][] = [[tree, top]];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [from, to] = pair;
    for (const [name, child] of from.children) {
      const copied = shallow(child);
      to.children.set(name, copied);
      pending.push([child, copied]);
    }
  }
  return top;
}

/**
 * Visits every node under `root` children first, in name order, with its path (whiteout prefix
 * kept), the root itself excluded. Stops, returning false, when the visitor returns false.
 */
function visit(root: DiveNode, visitor: (node: DiveNode, path: string) => boolean | void): boolean {
  interface Frame {
    node: DiveNode;
    path: string;
    names: string[];
    next: number;
  }
  const open = (node: DiveNode, path: string): Frame => ({ node, path, names: [...node.children.keys()].sort(comparePaths), next: 0 });
  const stack = [open(root, "/")];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const name = frame.names[frame.next++];
    if (name !== undefined) {
      stack.push(open(frame.node.children.get(name) as DiveNode, frame.path === "/" ? `/${name}` : `${frame.path}/${name}`));
      continue;
    }
    stack.pop();
    if (stack.length > 0 && visitor(frame.node, frame.path) === false) return false;
  }
  return true;
}

const trimWhiteout = (path: string, node: DiveNode) =>
  node.name.startsWith(WHITEOUT_PREFIX) ? `${path.slice(0, path.length - node.name.length)}${node.name.slice(WHITEOUT_PREFIX.length)}` : path;

/** dive's Stack: graft every node of `upper` onto `tree`; whiteouts remove their target. */
function stack(tree: DiveNode, upper: DiveNode): void {
  visit(upper, (node, path) => {
    if (node.name.startsWith(WHITEOUT_PREFIX)) removePath(tree, trimWhiteout(path, node));
    else addPath(tree, path, node.info);
  });
}

function subtreeSize(top: DiveNode): number {
  let total = 0;
  const pending = [top];
  for (let node = pending.pop(); node; node = pending.pop()) {
    total += node.info?.size ?? 0;
    for (const child of node.children.values()) pending.push(child);
  }
  return total;
}

export interface DiveLayerTree {
  root: DiveNode;
  /** Sum of the tar header sizes of the layer's entries: dive's layer size. */
  size: number;
}

/** One layer as dive sees it, built from its entries in tar order. */
export function diveLayerTree(entries: Iterable<LayerEntry>): DiveLayerTree {
  const root = newNode("");
  let size = 0;
  for (const entry of entries) {
    size += entry.size;
    if (entry.path === "/") continue;
    if (entry.opaque) addPath(root, `${entry.path}/.wh..wh..opq`, null);
    else if (entry.whiteout) addPath(root, whiteoutMarkerPath(entry.path), { size: entry.size, isDir: false });
    else addPath(root, entry.path, { size: entry.size, isDir: entry.type === "dir" });
  }
  return { root, size };
}

export interface DiveEfficiency {
  efficiency: number;
  wastedBytes: number;
  userWastedPercent: number;
  sizeBytes: number;
  userSizeBytes: number;
  /** Paths found in more than one layer, most wasted bytes first. */
  inefficiencies: { path: string; count: number; wastedBytes: number }[];
}

export function diveEfficiency(layers: DiveLayerTree[]): DiveEfficiency {
  const paths = new Map<string, { cumulative: number; min: number; count: number }>();
  let stacked: DiveNode | null = null;
  let stackedThrough = -1;
  const stackedBelow = (index: number): DiveNode => {
    stacked ??= copy((layers[0] as DiveLayerTree).root);
    while (stackedThrough < index - 1) stack(stacked, (layers[++stackedThrough] as DiveLayerTree).root);
    return stacked;
  };

  layers.forEach((layer, index) => {
    visit(layer.root, (node, rawPath) => {
      if (node.children.size > 0) return;
      const path = trimWhiteout(rawPath, node);
      let size = node.info?.size ?? 0;
      if (node.name.startsWith(WHITEOUT_PREFIX)) {
        const below = getNode(stackedBelow(index), path);
        if (!below) return false; // dive stops counting this layer here
        size = below.info?.isDir ? subtreeSize(below) : 0;
      }
      const data = paths.get(path) ?? { cumulative: 0, min: -1, count: 0 };
      data.cumulative += size;
      if (data.min < 0 || size < data.min) data.min = size;
      data.count++;
      paths.set(path, data);
    });
  });

  let minimum = 0;
  let discovered = 0;
  let wastedBytes = 0;
  const inefficiencies: DiveEfficiency["inefficiencies"] = [];
  for (const [path, data] of paths) {
    minimum += data.min;
    discovered += data.cumulative;
    if (data.count > 1) {
      wastedBytes += data.cumulative;
      inefficiencies.push({ path, count: data.count, wastedBytes: data.cumulative });
    }
  }
  inefficiencies.sort((a, b) => b.wastedBytes - a.wastedBytes || comparePaths(a.path, b.path));
  const sizeBytes = layers.reduce((sum, layer) => sum + layer.size, 0);
  const userSizeBytes = sizeBytes - (layers[0]?.size ?? 0);
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes,
    userWastedPercent: userSizeBytes === 0 ? 0 : wastedBytes / userSizeBytes,
    sizeBytes,
    userSizeBytes,
    inefficiencies,
  };
}
