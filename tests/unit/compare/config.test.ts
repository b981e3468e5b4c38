import { describe, expect, it } from "vitest";
import { compareConfigs } from "@/lib/compare/config";
import { runSettings } from "@/lib/core/image-config";

const image = (config: Record<string, unknown>, platform = "linux/amd64") => ({
  run: runSettings({ architecture: "amd64", os: "linux", config }),
  platform,
});

describe("comparing two image configs", () => {
  it("names each differing setting with both values, null where one image does not set it", () => {
    const a = image({ User: "root", Env: ["PATH=/usr/bin", "A=1", "SAME=x"], Cmd: ["sh"] });
    const b = image({ User: "65532", Env: ["PATH=/usr/bin", "A=2", "B=3", "SAME=x"], Entrypoint: ["/app"], Cmd: ["sh"] }, "linux/arm64/v8");
    expect(compareConfigs(a, b)).toEqual([
      { field: "User", a: "root", b: "65532" },
      { field: "Entrypoint", a: null, b: '["/app"]' },
      { field: "Env.A", a: "1", b: "2" },
      { field: "Env.B", a: null, b: "3" },
      { field: "platform", a: "linux/amd64", b: "linux/arm64/v8" },
    ]);
  });

  it("compares labels by key, and ports and volumes as sets", () => {
    const a = image({ Labels: { maintainer: "a", keep: "1" }, ExposedPorts: { "80/tcp": {} }, Volumes: { "/data": {} } });
    const b = image({ Labels: { keep: "1" }, ExposedPorts: { "443/tcp": {}, "80/tcp": {} }, Volumes: { "/data": {} }, StopSignal: "SIGQUIT" });
    expect(compareConfigs(a, b)).toEqual([
      { field: "Labels.maintainer", a: "a", b: null },
      { field: "ExposedPorts", a: "80/tcp", b: "443/tcp, 80/tcp" },
      { field: "StopSignal", a: null, b: "SIGQUIT" },
    ]);
  });

  it("treats a setting set to nothing as not set, and equal configs as no differences", () => {
    expect(compareConfigs(image({ User: "", Cmd: [], Labels: {} }), image({}))).toEqual([]);
    expect(compareConfigs(image({ WorkingDir: "/app" }), image({ WorkingDir: "/app" }))).toEqual([]);
  });

  it("reads a bare Env name as set to the empty value, and ignores what is not a string", () => {
    expect(compareConfigs(image({ Env: ["DEBUG", 7] }), image({ Env: ["DEBUG="] }))).toEqual([]);
    expect(compareConfigs(image({ Env: ["DEBUG"] }), image({}))).toEqual([{ field: "Env.DEBUG", a: "", b: null }]);
  });
});
