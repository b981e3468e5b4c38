import { execFileSync } from "node:child_process";

/**
 * The pipeline; tar stops reading at the archive's end, before the padding after it, so curl and
 * gzip may end on a broken pipe (141): that is no failure. tar and wc must succeed.
 */
export const PIPELINE = (blobUrl: string) =>
  `curl -s ${blobUrl} | gzip -dc | tar -tv | wc -l; status=("\${PIPESTATUS[@]}"); ` +
  `for i in 0 1; do [[ \${status[$i]} == 0 || \${status[$i]} == 141 ]] || exit 1; done; [[ \${status[2]} == 0 && \${status[3]} == 0 ]]`;

/** `curl | gzip -dc | tar -tv | wc -l` on a blob, `runs` times: each run's time, and the entries tar listed. */
export function pipelineBaseline(blobUrl: string, runs: number): { times: number[]; entries: number } {
  const times: number[] = [];
  let entries = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    entries = Number(
      execFileSync("bash", ["-c", PIPELINE(blobUrl)])
        .toString()
        .trim(),
    );
    times.push(performance.now() - started);
  }
  return { times, entries };
}
