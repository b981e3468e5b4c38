import { memo } from "react";
import { TreeRowShell, type TreeRowProps } from "@/components/tree/TreeRowShell";
import { formatBytes } from "@/lib/core/format";

/** One row of the file tree: the layer its file comes from and its size; memoized so scrolling re-renders only the rows that enter the window. */
export const FileRow = memo(function FileRow(props: TreeRowProps) {
  const { row, isDir } = props;
  return (
    <TreeRowShell {...props}>
      {row.layer !== undefined && row.layer >= 0 && (
        <span className="shrink-0 rounded bg-zinc-100 px-1 text-[11px] text-zinc-500 dark:bg-zinc-800" title={`from layer ${row.layer}`}>
          L{row.layer}
        </span>
      )}
      <span className="w-16 shrink-0 text-right text-[11px] text-zinc-500">{row.type === "file" || isDir ? formatBytes(row.total) : ""}</span>
    </TreeRowShell>
  );
});
