import { apiSource, type DataSource } from "@/lib/client/data-source";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";

/** A ref without its pin: the name a side goes by, pinned or not. */
const unpinned = (ref: string) => formatLocalRef({ ...parseLocalRef(ref), digest: null });

const refOf = (url: string) => new URL(url, "http://local.invalid").searchParams.get("ref") ?? "";

/**
 * The compare page's data source when a side is local: each request goes to the side its `ref`
 * names, a local side's to the worker reading its archive, any other to the API. So the views ask
 * by API URL as ever, and a local file's name and bytes never reach the server.
 */
export function routedSource(locals: ReadonlyMap<string, DataSource>): DataSource {
  const pick = (ref: string) => locals.get(unpinned(ref)) ?? apiSource;
  return {
    getJson: <T>(url: string) => pick(refOf(url)).getJson<T>(url),
    readFilePart: (url, offset, length, signal) => pick(refOf(url)).readFilePart(url, offset, length, signal),
    layerEntries: (ref, digest, signal) => pick(ref).layerEntries(ref, digest, signal),
    pinned: (info) => pick(info.ref).pinned(info),
    fileHref: (url, size) => pick(refOf(url)).fileHref(url, size),
    local: true,
  };
}

/** The local sides of a comparison, by the ref each goes by. */
export function localSides({ a, b, localA, localB }: { a: string; b: string; localA?: boolean; localB?: boolean }): string[] {
  return [localA ? unpinned(a) : null, localB ? unpinned(b) : null].filter((ref): ref is string => ref !== null);
}
