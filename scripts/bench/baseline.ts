import { execFileSync } from "node:child_process";

/** `curl | gzip -dc | tar -tv | wc -l` on a blob, `runs` times: each run's time, and the entries tar listed. */
export function pipelineBaseline(blobUrl: string, runs: number): { times: number[]; entries: number } {
  const times: number[] = [];
  let entries = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    entries = Number(
      execFileSync("bash", ["-c", `set -o pipefail; curl -s ${blobUrl} | gzip -dc | tar -tv | wc -l`])
        .toString()
        .trim(),
    );
    times.push(performance.now() - started);
  }
  return { times, entries };
}
