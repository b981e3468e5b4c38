import type { ConfigDifference } from "@/lib/core/api-types";
import { comparePaths } from "@/lib/core/paths";

/**
 * The run-time settings of two image configs (OCI config.md `config` object) compared field by
 * field: what changes how a container starts and what it exposes. Values are shown as text: lists
 * (Entrypoint, Cmd) as JSON, sets (ExposedPorts, Volumes) as their sorted keys. A field set to
 * nothing (`""`, `[]`, `{}`) counts as not set, as runtimes treat it. Pure.
 */
type Settings = Record<string, unknown>;

const asObject = (value: unknown): Settings => (value && typeof value === "object" && !Array.isArray(value) ? (value as Settings) : {});

function text(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (Array.isArray(value)) return value.length > 0 ? JSON.stringify(value) : null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function keys(value: unknown): string | null {
  const names = Object.keys(asObject(value)).sort(comparePaths);
  return names.length > 0 ? names.join(", ") : null;
}

/** `Env` as a map: `NAME=value` split at the first `=` (a bare `NAME` has the empty value). */
function environment(value: unknown): Map<string, string> {
  const env = new Map<string, string>();
  for (const item of Array.isArray(value) ? value : []) {
    if (typeof item !== "string") continue;
    const equals = item.indexOf("=");
    env.set(equals === -1 ? item : item.slice(0, equals), equals === -1 ? "" : item.slice(equals + 1));
  }
  return env;
}

function labels(value: unknown): Map<string, string> {
  return new Map(Object.entries(asObject(value)).map(([key, label]) => [key, String(label)]));
}

/** Every `prefix.KEY` whose value differs between two maps, in key order. */
function mapDifferences(prefix: string, a: Map<string, string>, b: Map<string, string>): ConfigDifference[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort(comparePaths);
  return names
    .filter((name) => a.get(name) !== b.get(name))
    .map((name) => ({ field: `${prefix}.${name}`, a: a.get(name) ?? null, b: b.get(name) ?? null }));
}

/** What two images' configs set differently, in a fixed order; `platform` is `os/arch[/variant]` of each. */
export function compareConfigs(a: { config: Settings; platform: string }, b: { config: Settings; platform: string }): ConfigDifference[] {
  const left = asObject(a.config.config);
  const right = asObject(b.config.config);
  const scalar = (field: string, read: (settings: Settings) => string | null): ConfigDifference => ({ field, a: read(left), b: read(right) });
  return [
    scalar("User", (s) => text(s.User)),
    scalar("WorkingDir", (s) => text(s.WorkingDir)),
    scalar("Entrypoint", (s) => text(s.Entrypoint)),
    scalar("Cmd", (s) => text(s.Cmd)),
    ...mapDifferences("Env", environment(left.Env), environment(right.Env)),
    ...mapDifferences("Labels", labels(left.Labels), labels(right.Labels)),
    scalar("ExposedPorts", (s) => keys(s.ExposedPorts)),
    scalar("Volumes", (s) => keys(s.Volumes)),
    scalar("StopSignal", (s) => text(s.StopSignal)),
    { field: "platform", a: a.platform, b: b.platform },
  ].filter((difference) => difference.a !== difference.b);
}
