import type { LayerEntry } from "@/lib/core/api-types";

/**
 * A layer entry as one line of a listing's JSON, written field by field: four times as fast as
 * JSON.stringify, which counts when a layer has a million entries. Strings are quoted as
 * JSON.stringify quotes them whenever they hold anything to escape.
 */
export function entryJson(entry: LayerEntry): string {
  const { path, type, size, mode, uid, gid, mtime } = entry;
  let out = `{"path":${quote(path)},"type":"${type}","size":${size},"mode":${mode},"uid":${uid},"gid":${gid},"mtime":${mtime}`;
  if (entry.linkname !== undefined) out += `,"linkname":${quote(entry.linkname)}`;
  if (entry.digest !== undefined) out += `,"digest":${quote(entry.digest)}`;
  if (entry.capability !== undefined) out += `,"capability":${quote(entry.capability)}`;
  if (entry.offset !== undefined) out += `,"offset":${entry.offset}`;
  if (entry.whiteout) out += `,"whiteout":true`;
  if (entry.opaque) out += `,"opaque":true`;
  return `${out}}`;
}

/** The fields entryJson writes: a field added to LayerEntry and not written fails to compile here. */
type Written = "path" | "type" | "size" | "mode" | "uid" | "gid" | "mtime" | "linkname" | "digest" | "capability" | "offset" | "whiteout" | "opaque";
export const EVERY_FIELD_WRITTEN: [Exclude<keyof LayerEntry, Written>] extends [never] ? true : never = true;

/** What JSON must escape: quotes, backslashes, control characters, and lone surrogates (which JSON.stringify writes as \u escapes). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const quote = (text: string) => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);
