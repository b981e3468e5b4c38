import { KIND_COLOUR } from "@/components/change-colours";
import { SidesHead } from "@/components/compare/SidesHead";
import { formatBytes, formatMode } from "@/lib/core/format";
import type { DiffChange, DiffEntry, DiffField } from "@/lib/core/api-types";

type Row = [name: string, field: DiffField | null, value: (entry: DiffEntry) => string];

const ROWS: Row[] = [
  ["type", "type", (e) => e.type],
  ["mode", "mode", (e) => formatMode(e.type, e.mode)],
  ["owner", null, (e) => `${e.uid}:${e.gid}`],
  ["size", "content", (e) => (e.type === "file" || e.type === "hardlink" ? `${formatBytes(e.size)} (${e.size} bytes)` : "—")],
  ["digest", "content", (e) => e.digest ?? "—"],
  ["link target", "linkname", (e) => e.linkname ?? "—"],
  ["from layer", null, (e) => String(e.layer)],
];

/** A row is marked when the comparison counts its field as changed and its two values differ (a same-size content change marks the digest, not the size). */
function changed(name: string, field: DiffField | null, value: (entry: DiffEntry) => string, change: DiffChange): boolean {
  const fields = change.fields ?? [];
  const counted = name === "owner" ? fields.includes("uid") || fields.includes("gid") : field !== null && fields.includes(field);
  return counted && change.a !== null && change.b !== null && value(change.a) !== value(change.b);
}

/** A path's metadata in each image, side by side, what differs marked; an added or removed path shows its one side. */
export function MetaTable({ change }: { change: DiffChange }) {
  // Rows that say nothing for this path (a link target of two regular files) are left out.
  const rows = ROWS.filter(([, , value]) => [change.a, change.b].some((entry) => entry && value(entry) !== "—"));
  return (
    <table className="w-full table-fixed text-left font-mono text-xs" aria-label="Metadata">
      <SidesHead firstClass="w-28" />
      <tbody>
        {rows.map(([name, field, value]) => {
          const differs = changed(name, field, value, change);
          return (
            <tr key={name} data-field={name} data-changed={differs || undefined} className="border-t border-zinc-100 align-top dark:border-zinc-800">
              <th scope="row" className={`px-3 py-1 font-medium ${differs ? KIND_COLOUR.modified : ""}`}>
                {name}
              </th>
              {[change.a, change.b].map((entry, i) => (
                <td
                  key={i}
                  className={`break-all px-3 py-1 ${differs ? (i === 0 ? "bg-rose-50 dark:bg-rose-950/40" : "bg-emerald-50 dark:bg-emerald-950/40") : ""}`}
                >
                  {entry ? value(entry) : <span className="italic text-zinc-400">{i === 0 ? "not in A" : "not in B"}</span>}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
