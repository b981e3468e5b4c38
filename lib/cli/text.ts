import "server-only";
import { formatBytes, formatMode } from "@/lib/core/format";
import type { FileMeta } from "@/lib/core/api-types";

/** Rows as columns padded to their widest cell (the last column is left as it is). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  ")).join("\n");
}

/** `ls -l`'s columns of a path: mode, owner, size, then `where` (its layer, or what a marker does), the path (and a link's target). */
export function fileColumns(file: FileMeta, where: string): string[] {
  const target = file.type === "symlink" ? ` -> ${file.linkname}` : file.type === "hardlink" ? ` (hardlink to ${file.linkname})` : "";
  return [
    formatMode(file.type, file.mode),
    `${file.uid}:${file.gid}`,
    file.type === "file" ? formatBytes(file.size) : "-",
    where,
    `${file.path}${target}`,
  ];
}

/** A ratio as dive prints percentages: 0.98442 → "98.44 %". */
export const percent = (fraction: number) => `${(fraction * 100).toFixed(2)} %`;
