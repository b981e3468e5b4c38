import { apiViews, type ViewSource } from "@/lib/client/views";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";

/** A ref without its pin: the name a side goes by, pinned or not. */
const unpinned = (ref: string) => formatLocalRef({ ...parseLocalRef(ref), digest: null });

/**
 * The compare page's view source when a side is local: each image comes from the source its ref
 * names, a local side's from the worker reading its archive, any other from the API. So a local
 * file's name and bytes never reach the server.
 */
export function routedSource(locals: ReadonlyMap<string, ViewSource>): ViewSource {
  const pick = (ref: string) => locals.get(unpinned(ref)) ?? apiViews;
  return {
    view: (ref, platform) => pick(ref).view(ref, platform),
    pinned: (info) => pick(info.ref).pinned(info),
    fileUrl: (target, download) => pick(target.ref).fileUrl(target, download),
    local: true,
  };
}

/** The local sides of a comparison, by the ref each goes by. */
export function localSides({ a, b, localA, localB }: { a: string; b: string; localA?: boolean; localB?: boolean }): string[] {
  return [localA ? unpinned(a) : null, localB ? unpinned(b) : null].filter((ref): ref is string => ref !== null);
}
