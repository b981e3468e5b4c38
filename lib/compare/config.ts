import type { ConfigDifference } from "@/lib/core/api-types";
import { environment, type RunSettings } from "@/lib/core/image-config";
import { comparePaths } from "@/lib/core/paths";

/**
 * The run-time settings of two images compared field by field: what changes how a container starts
 * and what it exposes. Values are shown as text: lists (Entrypoint, Cmd) as JSON, sets
 * (ExposedPorts, Volumes) as their sorted keys; unset is null. Pure.
 */

const text = (value: string) => value || null;
const list = (value: readonly string[]) => (value.length > 0 ? JSON.stringify(value) : null);
const keys = (value: readonly string[]) => (value.length > 0 ? value.join(", ") : null);

/** Every `prefix.KEY` whose value differs between two maps, in key order. */
function mapDifferences(prefix: string, a: Map<string, string>, b: Map<string, string>): ConfigDifference[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort(comparePaths);
  return names
    .filter((name) => a.get(name) !== b.get(name))
    .map((name) => ({ field: `${prefix}.${name}`, a: a.get(name) ?? null, b: b.get(name) ?? null }));
}

const labels = (run: RunSettings) => new Map(Object.entries(run.labels));

/** What two images set differently, in a fixed order; `platform` is `os/arch[/variant]` of each. */
export function compareConfigs(a: { run: RunSettings; platform: string }, b: { run: RunSettings; platform: string }): ConfigDifference[] {
  const scalar = (field: string, read: (run: RunSettings) => string | null): ConfigDifference => ({ field, a: read(a.run), b: read(b.run) });
  return [
    scalar("User", (run) => text(run.user)),
    scalar("WorkingDir", (run) => text(run.workingDir)),
    scalar("Entrypoint", (run) => list(run.entrypoint)),
    scalar("Cmd", (run) => list(run.cmd)),
    ...mapDifferences("Env", environment(a.run.env), environment(b.run.env)),
    ...mapDifferences("Labels", labels(a.run), labels(b.run)),
    scalar("ExposedPorts", (run) => keys(run.exposedPorts)),
    scalar("Volumes", (run) => keys(run.volumes)),
    scalar("StopSignal", (run) => text(run.stopSignal)),
    { field: "platform", a: a.platform, b: b.platform },
  ].filter((difference) => difference.a !== difference.b);
}
