import { formatBytes } from "@/lib/client/format";

// A hex dump of more than this is too long to read; the download has the rest.
const HEX_LIMIT = 64 * 1024;

function hexRow(bytes: Uint8Array, offset: number): string {
  const slice = [...bytes.subarray(offset, offset + 16)];
  const hex = slice.map((b) => b.toString(16).padStart(2, "0")).join(" ");
  const printable = slice.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
  return `${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${printable}`;
}

/** A binary file as `offset  hex bytes  ascii`, 16 bytes a row. */
export function HexView({ bytes }: { bytes: Uint8Array }) {
  const shown = Math.min(bytes.length, HEX_LIMIT);
  const rows: string[] = [];
  for (let offset = 0; offset < shown; offset += 16) rows.push(hexRow(bytes, offset));
  return (
    <pre data-testid="hex-view" className="overflow-auto p-3 text-xs leading-5">
      {rows.join("\n")}
      {bytes.length > shown ? `\n… ${formatBytes(bytes.length - shown)} more in the download` : ""}
    </pre>
  );
}
