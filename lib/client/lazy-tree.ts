import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useViewAnswer, useViewSource, type ViewSource } from "@/lib/client/views";
import { directoriesDown, parentOf } from "@/lib/core/paths";
import { buildTree, treeItemOf, type TreeItem, type TreeNode } from "@/lib/core/tree";

/** Which of a big image's trees: the merged files of layers 0..upTo (null: all), or what one layer changed. */
export type LazyOf = { upTo: number | null } | { layer: number };

/**
 * A tree of an image too big to fetch whole, a directory at a time: the directories down to
 * the shown path, and those the user opens. What the page holds grows with what it shows.
 */
export interface LazyTree {
  tree: TreeNode | null;
  /** A directory on the way to the shown path is still on its way. */
  pending: boolean;
  error: unknown;
  /** Loads a directory's children (when it is opened). */
  open: (path: string) => void;
}

interface Loaded {
  /** The tree these directories are of (a LazyOf, as a key). */
  of: string;
  /** Each loaded directory's children. */
  children: Map<string, TreeItem[]>;
  failed: Map<string, unknown>;
  /** The directories the user opened. */
  opened: ReadonlySet<string>;
}

/** The directories whose children the server's first view holds whole: the parents of its items. */
function byParent(items: readonly TreeItem[]): Map<string, TreeItem[]> {
  const children = new Map<string, TreeItem[]>();
  for (const item of items) {
    const parent = parentOf(item.path);
    const siblings = children.get(parent);
    if (siblings) siblings.push(item);
    else children.set(parent, [item]);
  }
  return children;
}

/**
 * The directories this tab has loaded, per image and view of its layers, the most recent
 * REMEMBERED_DIRECTORIES of each: every link followed remounts the page, which starts from them
 * rather than asking again.
 */
const REMEMBERED_DIRECTORIES = 2_000;
const REMEMBERED_VIEWS = 4;
const remembered = new Map<string, Map<string, TreeItem[]>>();
const inFlight = new Map<string, Promise<TreeItem[]>>();
const scopeOf = (ref: string, of: string) => JSON.stringify([ref, of]);

function remember(scope: string, dir: string, items: TreeItem[]): void {
  const dirs = remembered.get(scope) ?? new Map<string, TreeItem[]>();
  remembered.delete(scope);
  remembered.set(scope, dirs);
  if (remembered.size > REMEMBERED_VIEWS) remembered.delete(remembered.keys().next().value as string);
  dirs.set(dir, items);
  if (dirs.size > REMEMBERED_DIRECTORIES) dirs.delete(dirs.keys().next().value as string);
}

function initial(ref: string | null, of: string, seed: readonly TreeItem[]): Loaded {
  const children = byParent(seed);
  for (const [dir, items] of ref === null ? [] : (remembered.get(scopeOf(ref, of)) ?? [])) if (!children.has(dir)) children.set(dir, items);
  return { of, children, failed: new Map(), opened: new Set() };
}

/** The directories the shown path needs: those above it, and itself once its parent says it is one. */
function wantedFor(path: string, children: Map<string, TreeItem[]>): string[] {
  const above = directoriesDown(path, false);
  return path !== "/" && isDirectory(path, children) ? [...above, path] : above;
}

/** Whether a loaded directory lists `path` as a directory (an opened row may be a file: the tree opens the way to a link, the link too). */
const isDirectory = (path: string, children: Map<string, TreeItem[]>) =>
  path === "/" || children.get(parentOf(path))?.some((item) => item.path === path && item.type === "dir") === true;

/** A directory's children, from this tab's memory, a request under way, or a new one. */
function directoryItems(source: ViewSource, ref: string, of: LazyOf, dir: string): Promise<TreeItem[]> {
  const scope = scopeOf(ref, JSON.stringify(of));
  const known = remembered.get(scope)?.get(dir);
  if (known) return Promise.resolve(known);
  const key = JSON.stringify([scope, dir]);
  let pending = inFlight.get(key);
  if (!pending) {
    const view = source.view(ref, null);
    pending = ("layer" in of ? view.changedDirectory(of.layer, dir) : view.directory(dir, of.upTo))
      .then((listing) => listing.children.map(treeItemOf))
      .finally(() => inFlight.delete(key));
    pending.then(
      (items) => remember(scope, dir, items),
      () => undefined,
    );
    inFlight.set(key, pending);
  }
  return pending;
}

/**
 * `ref` is null while nothing is to be loaded (the image is not known yet, or is not big); `of`
 * names the tree all the same, so the server's first view (`seed`) is kept once loading starts.
 * One page's ref never changes; which of its trees it shows may.
 */
export function useLazyTree(ref: string | null, of: LazyOf | null, path: string, seed: readonly TreeItem[] | undefined): LazyTree {
  const source = useViewSource();
  const key = JSON.stringify(of);
  // The same tree whatever object names it.
  const which = useMemo(() => JSON.parse(key) as LazyOf | null, [key]);
  const [loaded, setLoaded] = useState<Loaded>(() => initial(ref, key, seed ?? []));
  // Another tree (adjusted while rendering, not in an effect).
  if (loaded.of !== key) setLoaded(initial(ref, key, []));
  const asked = useRef(new Set<string>());

  const load = useCallback(
    (dir: string) => {
      const asking = JSON.stringify([key, dir]);
      if (ref === null || which === null || asked.current.has(asking)) return;
      asked.current.add(asking);
      const settle = (change: (now: Loaded) => Loaded) => setLoaded((now) => (now.of === key ? change(now) : now));
      directoryItems(source, ref, which, dir).then(
        (items) => settle((now) => ({ ...now, children: new Map(now.children).set(dir, items) })),
        (error: unknown) => settle((now) => ({ ...now, failed: new Map(now.failed).set(dir, error) })),
      );
    },
    [ref, key, which, source],
  );

  const onTheWay = useMemo(() => wantedFor(path, loaded.children), [path, loaded.children]);
  useEffect(() => {
    const opened = [...loaded.opened].filter((dir) => isDirectory(dir, loaded.children));
    for (const dir of [...onTheWay, ...opened]) if (!loaded.children.has(dir)) load(dir);
  }, [onTheWay, loaded, load]);

  const tree = useMemo(() => (loaded.children.size > 0 ? buildTree([...loaded.children.values()].flat()) : null), [loaded.children]);
  const error = onTheWay.map((dir) => loaded.failed.get(dir)).find((failure) => failure !== undefined);
  const open = useCallback((dir: string) => setLoaded((now) => (now.opened.has(dir) ? now : { ...now, opened: new Set(now.opened).add(dir) })), []);
  return { tree, pending: onTheWay.some((dir) => !loaded.children.has(dir)), error, open };
}

/** How many matches a search of a big image shows: more is a narrower filter's job. */
export const SEARCH_LIMIT = 1_000;
const SEARCH_DELAY_MS = 200;

export interface ServerSearch {
  tree: TreeNode | null;
  /** How many match in all, and how many are shown. */
  found: { total: number; shown: number } | undefined;
  error: unknown;
}

/**
 * The filter of a big image's tree, answered by the server (a substring or a glob, as the local
 * filter): the first SEARCH_LIMIT matches among the merged files, or among a layer's changes.
 */
export function useServerSearch(ref: string, of: LazyOf | null, filter: string): ServerSearch {
  const [query, setQuery] = useState(filter.trim());
  // Typing asks once it pauses, not at every key.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(filter.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter]);
  const layer = of && "layer" in of ? of.layer : null;
  const files = useViewAnswer(query && of && layer === null ? ref : null, null, "search", [query, of && "upTo" in of ? of.upTo : null, SEARCH_LIMIT]);
  const changes = useViewAnswer(query && layer !== null ? ref : null, null, "changes", [layer ?? 0, { limit: SEARCH_LIMIT }, query]);
  const items = useMemo(() => files.data?.matches.map(treeItemOf) ?? changes.data?.changes, [files.data, changes.data]);
  const tree = useMemo(() => (items ? buildTree(items) : null), [items]);
  const total = files.data?.total ?? changes.data?.total;
  return {
    tree: query === filter.trim() ? tree : null,
    found: items && total !== undefined ? { total, shown: items.length } : undefined,
    error: files.error ?? changes.error,
  };
}
