import { describe, expect, it } from "vitest";
import { environment, runSettings } from "@/lib/core/image-config";

describe("runSettings: an image config's run settings, read once and typed", () => {
  it("reads each field of the config's `config` object", () => {
    const run = runSettings({
      architecture: "amd64",
      config: {
        User: "65532:65532",
        WorkingDir: "/app",
        Entrypoint: ["/app/server"],
        Cmd: ["--port", "80"],
        Env: ["PATH=/usr/bin", "EMPTY="],
        Labels: { "org.opencontainers.image.version": "1.2", build: 7 },
        ExposedPorts: { "80/tcp": {}, "443/tcp": {} },
        Volumes: { "/data": {} },
        StopSignal: "SIGINT",
      },
    });
    expect(run).toEqual({
      user: "65532:65532",
      workingDir: "/app",
      entrypoint: ["/app/server"],
      cmd: ["--port", "80"],
      env: ["PATH=/usr/bin", "EMPTY="],
      labels: { "org.opencontainers.image.version": "1.2", build: "7" },
      exposedPorts: ["443/tcp", "80/tcp"],
      volumes: ["/data"],
      stopSignal: "SIGINT",
    });
  });

  it("reads what is missing, null or not of its type as unset, as runtimes do (hostile configs included)", () => {
    const unset = { user: "", workingDir: "", entrypoint: [], cmd: [], env: [], labels: {}, exposedPorts: [], volumes: [], stopSignal: "" };
    expect(runSettings({})).toEqual(unset);
    expect(runSettings({ config: null })).toEqual(unset);
    expect(runSettings({ config: ["not", "an", "object"] })).toEqual(unset);
    expect(runSettings({ config: { User: 0, Entrypoint: "sh -c x", Cmd: null, Env: ["A=1", 7, null], Labels: ["x"], ExposedPorts: "80" } })).toEqual({
      ...unset,
      env: ["A=1"],
    });
  });

  it("splits Env at the first =, a bare NAME having the empty value, the last of a name winning", () => {
    expect([...environment(["A=1=2", "B", "A=3"])]).toEqual([
      ["A", "3"],
      ["B", ""],
    ]);
  });
});
