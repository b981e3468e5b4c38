import type { DiffChange, DiffEntry, DiffField, DiffSummary, EntryType, FsFile } from "@/lib/core/api-types";
import { comparePaths } from "@/lib/core/paths";

/**
 * Two merged filesystems compared path by path, the way a person means "what changed":
 * - a path only in b is added, only in a removed; in both, modified when its type, content (digest),
 *   symlink target, permission bits (`& 0o7777`, setuid/setgid/sticky included), uid or gid differ;
 * - mtimes never count (rebuilds touch every file);
 * - a directory is modified only by its own metadata, never because of what is inside it;
 * - a hardlink compares as the file it points to (the merge gives it that file's digest).
 * Pure: both lists must be sorted by `comparePaths`, as the merge gives them.
 */

const PERMISSION_BITS = 0o7777;

/** A hardlink is its target's bytes under another name: for comparing, it is a regular file. */
function comparedType(file: FsFile): EntryType {
  return file.type === "hardlink" ? "file" : file.type;
}

/** Whether two regular files hold other bytes; without both digests (an unresolvable hardlink), sizes decide. */
function contentDiffers(a: FsFile, b: FsFile): boolean {
  if (a.digest !== undefined && b.digest !== undefined) return a.digest !== b.digest;
  return a.size !== b.size || a.digest !== b.digest;
}

export function changedFields(a: FsFile, b: FsFile): DiffField[] {
  const fields: DiffField[] = [];
  const type = comparedType(a);
  if (type !== comparedType(b)) fields.push("type");
  else if (type === "file" && contentDiffers(a, b)) fields.push("content");
  else if (type === "symlink" && a.linkname !== b.linkname) fields.push("linkname");
  if ((a.mode & PERMISSION_BITS) !== (b.mode & PERMISSION_BITS)) fields.push("mode");
  if (a.uid !== b.uid) fields.push("uid");
  if (a.gid !== b.gid) fields.push("gid");
  return fields;
}

function entryOf(file: FsFile): DiffEntry {
  const entry: DiffEntry & { path?: string } = { ...file };
  delete entry.path;
  return entry;
}

const regularBytes = (file: FsFile) => (file.type === "file" ? file.size : 0);

export function compareFiles(a: readonly FsFile[], b: readonly FsFile[]): { changes: DiffChange[]; summary: DiffSummary } {
  const changes: DiffChange[] = [];
  const summary: DiffSummary = { added: 0, removed: 0, modified: 0, unchanged: 0, addedBytes: 0, removedBytes: 0 };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const left = a[i];
    const right = b[j];
    const order = !left ? 1 : !right ? -1 : comparePaths(left.path, right.path);
    if (order < 0 && left) {
      changes.push({ path: left.path, change: "removed", a: entryOf(left), b: null });
      summary.removed++;
      summary.removedBytes += regularBytes(left);
      i++;
    } else if (order > 0 && right) {
      changes.push({ path: right.path, change: "added", a: null, b: entryOf(right) });
      summary.added++;
      summary.addedBytes += regularBytes(right);
      j++;
    } else if (left && right) {
      const fields = changedFields(left, right);
      if (fields.length > 0) {
        changes.push({ path: left.path, change: "modified", fields, a: entryOf(left), b: entryOf(right) });
        summary.modified++;
      } else summary.unchanged++;
      i++;
      j++;
    }
  }
  return { changes, summary };
}

/** Leading layers with identical digests: a common base whose files cannot differ. */
export function sharedLayerCount(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared;
}
