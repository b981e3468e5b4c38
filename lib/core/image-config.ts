import { comparePaths } from "@/lib/core/paths";

/**
 * How an image runs: the `config` object of its image config (OCI image-spec config.md), read
 * once, each field typed. A field that is missing, null, or not of its type reads as unset ("", [],
 * {}), as runtimes treat it; so does a field set to nothing. Browser-safe.
 */
export interface RunSettings {
  user: string;
  workingDir: string;
  entrypoint: string[];
  cmd: string[];
  /** `NAME=value` items, in the config's order. */
  env: string[];
  labels: Record<string, string>;
  /** `80/tcp`, … : the keys of the config's set, sorted. */
  exposedPorts: string[];
  volumes: string[];
  stopSignal: string;
}

type Json = Record<string, unknown>;

const objectOf = (value: unknown): Json => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});
const stringOf = (value: unknown): string => (typeof value === "string" ? value : "");
const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
const keysOf = (value: unknown): string[] => Object.keys(objectOf(value)).sort(comparePaths);

/** The run settings of an image config (the whole config JSON, as stored). */
export function runSettings(imageConfig: Json): RunSettings {
  const run = objectOf(imageConfig.config);
  return {
    user: stringOf(run.User),
    workingDir: stringOf(run.WorkingDir),
    entrypoint: stringsOf(run.Entrypoint),
    cmd: stringsOf(run.Cmd),
    env: stringsOf(run.Env),
    labels: Object.fromEntries(Object.entries(objectOf(run.Labels)).map(([key, value]) => [key, String(value)])),
    exposedPorts: keysOf(run.ExposedPorts),
    volumes: keysOf(run.Volumes),
    stopSignal: stringOf(run.StopSignal),
  };
}

/** `env` as a map: `NAME=value` split at the first `=` (a bare `NAME` has the empty value). */
export function environment(env: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const item of env) {
    const equals = item.indexOf("=");
    map.set(equals === -1 ? item : item.slice(0, equals), equals === -1 ? "" : item.slice(equals + 1));
  }
  return map;
}
