import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSettings, SettingsError, VARIABLES } from "@/lib/config";

describe("settings", () => {
  it("uses the defaults when nothing is set, and treats an empty variable as unset", () => {
    const settings = readSettings({ PORTHOLE_DOCKER_CONFIG: "", PORTHOLE_CACHE_MAX_BYTES: " " });
    expect(settings.dockerConfigPath).toBeNull();
    expect(settings.cacheMaxBytes).toBe(2 * 1024 ** 3);
    expect(settings.allowPrivateHosts).toEqual([]);
    expect(settings.totalTimeoutMs).toBe(1_800_000);
    expect(settings.quietLog).toBe(false);
    expect(settings.development).toBe(false);
  });

  it("parses lists, numbers and flags", () => {
    const settings = readSettings({
      PORTHOLE_ALLOW_PRIVATE_HOSTS: "Registry.local:5000, 10.0.0.2:443",
      PORTHOLE_INSECURE_REGISTRIES: "a:1,,b:2",
      PORTHOLE_MAX_UPSTREAM_STREAMS: "4",
      PORTHOLE_QUIET_LOG: "1",
      NODE_ENV: "development",
    });
    expect(settings.allowPrivateHosts).toEqual(["registry.local:5000", "10.0.0.2:443"]);
    expect(settings.insecureRegistries).toEqual(["a:1", "b:2"]);
    expect(settings.maxUpstreamStreams).toBe(4);
    expect(settings.quietLog).toBe(true);
    expect(settings.development).toBe(true);
    expect(readSettings({ PORTHOLE_ALLOW_PRIVATE_HOSTS: "1" }).allowPrivateHosts).toBe("all");
  });

  it("refuses a bad value with a message naming the variable", () => {
    expect(() => readSettings({ PORTHOLE_CACHE_MAX_BYTES: "lots" })).toThrow(SettingsError);
    expect(() => readSettings({ PORTHOLE_CACHE_MAX_BYTES: "lots" })).toThrow(
      /PORTHOLE_CACHE_MAX_BYTES="lots" is not valid: expected a whole number of bytes/,
    );
    expect(() => readSettings({ PORTHOLE_IDLE_TIMEOUT_MS: "-5" })).toThrow(/PORTHOLE_IDLE_TIMEOUT_MS/);
    expect(() => readSettings({ PORTHOLE_MAX_UPSTREAM_STREAMS: "0" })).toThrow(/PORTHOLE_MAX_UPSTREAM_STREAMS/);
    expect(() => readSettings({ PORTHOLE_QUIET_LOG: "yes please" })).toThrow(/PORTHOLE_QUIET_LOG/);
  });

  it("is documented: the README's configuration table lists every variable with its default", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
    const rows = new Map(
      [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|[^|]*\| (.*) \|$/gm)].map((match) => [match[1] as string, (match[2] as string).trim()]),
    );
    expect([...rows.keys()].sort()).toEqual(VARIABLES.map((variable) => variable.env).sort());
    for (const variable of VARIABLES) expect(rows.get(variable.env), variable.env).toBe(variable.shown);
  });
});
