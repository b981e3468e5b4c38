/**
 * The `porthole` command line, run as a child process (bin/porthole) against the test world's
 * registries and dive's archives, and checked against the running app's API answers for the same
 * images: one engine, two doors.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { FsResponse } from "@/lib/core/api-types";
import { cliHome, porthole, type CliRun } from "@/tests/support/porthole-cli";
import { APP_URL, BASIC_REGISTRY, OPEN_REGISTRY, TEST_IDENTITY_TOKEN, TEST_USER, TOKEN_REGISTRY } from "@/tests/world/config";
import { DIVE_DATA, pushSingle, SPECS } from "@/tests/world/fixtures";

const fixtures = inject("fixtures");
const { env } = cliHome();
const DIVE_DOCKER = `docker-archive:${join(DIVE_DATA, "test-docker-image.tar")}`;
const DIVE_OCI_GZIP = `oci-archive:${join(DIVE_DATA, "test-oci-gzip-image.tar")}`;

/** The app's answer to an API request, as JSON. */
async function api<T>(endpoint: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${APP_URL}/api/v1/${endpoint}?${new URLSearchParams(params)}`);
  expect(response.status, `${endpoint} ${JSON.stringify(params)}`).toBe(200);
  return (await response.json()) as T;
}

const json = (run: CliRun) => {
  expect(run.stderr, "--json runs print nothing else").toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout.toString("utf8"));
};

const run = (...args: string[]) => porthole(args, { env });

describe("porthole ci on dive's own image (efficiency 0.9844, user-wasted 0.4835, wasted 32 025 B)", () => {
  it("fails with dive's defaults (user-wasted 0.4835 > 0.1): exit 1, each rule with its measured value", async () => {
    const result = await run("ci", fixtures.diveDocker.ref);
    expect(result.code).toBe(1);
    const text = result.stdout.toString();
    expect(text).toContain(
      "  FAIL: highestUserWastedPercent: too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=0.4834911",
    );
    expect(text).toContain("  PASS: lowestEfficiency: efficiency=0.98442121341843");
    expect(text).toContain("  SKIP: highestWastedBytes: rule disabled");
    expect(text).toContain("Result:FAIL [Total:3] [Passed:1] [Failed:1] [Warn:0] [Skipped:1]");
  });

  it("passes with thresholds it meets: exit 0", async () => {
    const result = await run(
      "ci",
      fixtures.diveDocker.ref,
      "--highestUserWastedPercent",
      "0.5",
      "--highestWastedBytes=32025",
      "--lowestEfficiency",
      "0.98",
    );
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain("PASS: highestWastedBytes: wasted-bytes=32025 <= threshold=32025");
    expect(result.stdout.toString()).toContain("Result:PASS [Total:3] [Passed:3] [Failed:0]");
  });

  it("reads sizes as dive does: 32KB is 32 000 bytes (fails), 32KiB 32 768 (passes)", async () => {
    const options = ["--highestUserWastedPercent", "disabled", "--lowestEfficiency", "disabled"];
    expect((await run("ci", fixtures.diveDocker.ref, ...options, "--highestWastedBytes", "32KB")).code).toBe(1);
    expect((await run("ci", fixtures.diveDocker.ref, ...options, "--highestWastedBytes", "32KiB")).code).toBe(0);
  });

  it("is broken, exit 2 with the reason on stderr and nothing on stdout, for a bad reference, a missing image, a bad rule value", async () => {
    for (const args of [
      ["ci", "Not A Reference"],
      ["ci", `${OPEN_REGISTRY}/no/such:image`],
      ["ci", fixtures.diveDocker.ref, "--lowestEfficiency", "high"],
      ["ci", "docker-archive:/no/such/file.tar"],
      ["ci"],
    ]) {
      const result = await run(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(/porthole: |usage/);
      expect(result.stdout.length, args.join(" ")).toBe(0);
    }
  });

  it("gives the same figures from the `docker save` archive itself", async () => {
    const result = await run("ci", DIVE_DOCKER, "--highestUserWastedPercent", "0.48");
    expect(result.code).toBe(1);
    expect(result.stdout.toString()).toContain("%-user-wasted-bytes=0.4834911001404049 > threshold=0.48");
  });
});

describe("porthole ci reads .dive-ci as dive does", () => {
  const project = mkdtempSync(join(tmpdir(), "porthole-dive-ci-"));
  writeFileSync(
    join(project, ".dive-ci"),
    [
      "# dive's own example, with its comments",
      "rules:",
      "  # If the efficiency is measured below X%, mark as failed.",
      "  lowestEfficiency: 0.95",
      "",
      '  highestWastedBytes: "40KB"   # quoted, with a comment',
      "  highestUserWastedPercent: 0.50",
      "other: ignored",
    ].join("\n"),
  );
  writeFileSync(join(project, "strict.yaml"), "rules:\n  highestWastedBytes: 20KB\n");

  it("from the working directory: every rule from the file, exit 0", async () => {
    const result = await porthole(["ci", fixtures.diveDocker.ref], { env, cwd: project });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain("Using CI config: .dive-ci");
    expect(result.stdout.toString()).toContain("threshold=40000");
    expect(result.stdout.toString()).toContain("threshold=0.5");
  });

  it("flags win over the file; --ci-config names another file (whose unset rules keep dive's defaults)", async () => {
    expect((await porthole(["ci", fixtures.diveDocker.ref, "--highestUserWastedPercent", "0.2"], { env, cwd: project })).code).toBe(1);
    const strict = await porthole(["ci", fixtures.diveDocker.ref, "--ci-config", "strict.yaml"], { env, cwd: project });
    expect(strict.code).toBe(1);
    expect(strict.stdout.toString()).toContain("FAIL: highestWastedBytes: too many bytes wasted (wasted-bytes=32025 > threshold=20000)");
    expect(strict.stdout.toString()).toContain("FAIL: highestUserWastedPercent");
  });

  it("a named config that is missing is an error (exit 2)", async () => {
    const result = await porthole(["ci", fixtures.diveDocker.ref, "--ci-config", "missing.yaml"], { env, cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing.yaml");
  });
});

describe("porthole ls, cat, inspect, diff and packages answer as the API does", () => {
  it("ls --json equals the fs API's files, hostile names and every merge rule included", async () => {
    for (const fixture of [fixtures.fs, fixtures.diveDocker, fixtures.multi]) {
      const fs = await api<FsResponse>("fs", { ref: fixture.ref });
      expect(json(await run("ls", fixture.ref, "--json")), fixture.ref).toEqual({ files: fs.files });
    }
  });

  it("ls PATH keeps that subtree; ls --layer lists one layer's entries, whiteouts marked", async () => {
    const subtree = json(await run("ls", fixtures.fs.ref, "/etc", "--json")).files as FsResponse["files"];
    expect(subtree.map((file) => file.path)).toEqual(["/etc", "/etc/passwd"]);
    const layer = json(await run("ls", fixtures.fs.ref, "--layer", "1", "--json"));
    expect(layer.digest).toBe(fixtures.fs.images[0]?.layers[1]?.digest);
    expect(layer.entries[0]).toMatchObject({ path: "/etc/group", whiteout: true });
    const text = (await run("ls", fixtures.fs.ref, "--layer", "1")).stdout.toString();
    expect(text).toMatch(/deleted\s+\/etc\/group/);
  });

  it("cat writes a binary byte for byte, follows a hardlink, and reads one layer with --layer", async () => {
    const elf = (SPECS.multi.layers[0]?.entries.find((entry) => entry.name === "bin/sh") as { content: Buffer }).content;
    expect((await run("cat", fixtures.multi.ref, "/bin/sh")).stdout).toEqual(elf);
    expect((await run("cat", fixtures.fs.ref, "/data/link")).stdout.toString()).toBe("the original bytes\n");
    expect((await run("cat", fixtures.fs.ref, "/dup.txt", "--layer", fixtures.fs.images[0]?.layers[1]?.digest as string)).stdout.toString()).toBe(
      "second wins\n",
    );
    const busybox = await fetch(`${APP_URL}/api/v1/file?${new URLSearchParams({ ref: fixtures.diveDocker.ref, path: "/bin/busybox" })}`);
    const bytes = Buffer.from(await busybox.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const fromArchive = await run("cat", DIVE_DOCKER, "/bin/busybox");
    expect(fromArchive.code).toBe(0);
    expect(fromArchive.stdout.equals(bytes)).toBe(true);
  });

  it("cat refuses a directory, a symlink and a deleted file with exit 2", async () => {
    for (const path of ["/etc", "/swapdir", "/deleteme.txt"]) {
      const result = await run("cat", fixtures.fs.ref, path);
      expect(result.code, path).toBe(2);
      expect(result.stderr, path).toContain(path);
    }
  });

  it("inspect --json is the image answer and the fs answer without its files", async () => {
    const answer = json(await run("inspect", fixtures.multi.ref, "--json"));
    expect(answer.image).toEqual(await api("image", { ref: fixtures.multi.ref }));
    const fs = await api<FsResponse>("fs", { ref: fixtures.multi.ref });
    expect(answer.fs).toEqual(Object.fromEntries(Object.entries(fs).filter(([key]) => key !== "files")));
    const arm = json(await run("inspect", fixtures.index.ref, "--platform", "linux/arm64", "--json"));
    expect(arm.image.platform).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
  });

  it("diff --json is the diff answer", async () => {
    const answer = json(await run("diff", fixtures.compareA.ref, fixtures.compareB.ref, "--json"));
    expect(answer).toEqual(await api("diff", { a: fixtures.compareA.ref, b: fixtures.compareB.ref }));
    const text = (await run("diff", fixtures.compareA.ref, fixtures.compareB.ref)).stdout.toString();
    expect(text).toContain("M /bin/su (mode)");
  });

  it("diff --platform-a and --platform-b compare two platforms of one index, as the API's platformA and platformB", async () => {
    const ref = fixtures.index.ref;
    const answer = json(await run("diff", ref, ref, "--platform-a", "linux/amd64", "--platform-b=linux/arm64", "--json"));
    expect(answer).toEqual(await api("diff", { a: ref, b: ref, platformA: "linux/amd64", platformB: "linux/arm64" }));
    expect(answer.a.digest).not.toBe(answer.b.digest);
  });

  it("packages --json is the packages answer", async () => {
    const status = "Package: alpha\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n";
    const pushed = await pushSingle(OPEN_REGISTRY, "cli/packages", "v1", {
      format: "oci",
      layers: [
        {
          entries: [
            { name: "var/lib/dpkg/status", content: status },
            { name: "bin/sh", content: "#!", mode: 0o755 },
          ],
        },
      ],
    });
    const answer = json(await run("packages", pushed.ref, "--json"));
    expect(answer).toEqual(await api("packages", { ref: pushed.ref }));
    expect(answer.packages).toMatchObject([{ type: "deb", name: "alpha", version: "1.0-1" }]);
    expect(json(await run("packages", pushed.ref, "--files", "--json"))).toEqual(await api("packages", { ref: pushed.ref, files: "1" }));
  });
});

describe("porthole reads archives: docker-archive:, oci-archive:, oci:", () => {
  let registryFiles: FsResponse["files"];
  beforeAll(async () => {
    registryFiles = (await api<FsResponse>("fs", { ref: fixtures.diveOciGzip.ref })).files;
  });

  it("a docker save archive merges to the files of the same image pushed to a registry", async () => {
    const fromArchive = json(await run("ls", DIVE_DOCKER, "--json"));
    expect(fromArchive).toEqual({ files: (await api<FsResponse>("fs", { ref: fixtures.diveDocker.ref })).files });
    const inspected = json(await run("inspect", DIVE_DOCKER, "--json"));
    expect(inspected.fs).toMatchObject({ wastedBytes: 32025 });
    expect(inspected.image.tag).toBe("dive-test:latest");
    expect(inspected.image.layers.map((layer: { diffId: string }) => layer.diffId)).toEqual(
      fixtures.diveDocker.images[0]?.layers.map((l) => l.diffId),
    );
  });

  it("an OCI layout, as its tar and as a folder, merges to the files of the same layout pushed to a registry", async () => {
    expect(json(await run("ls", DIVE_OCI_GZIP, "--json"))).toEqual({ files: registryFiles });
    const folder = mkdtempSync(join(tmpdir(), "porthole-oci-"));
    execFileSync("tar", ["-xf", join(DIVE_DATA, "test-oci-gzip-image.tar"), "-C", folder]);
    expect(json(await run("ls", `oci:${folder}`, "--json"))).toEqual({ files: registryFiles });
    const inspected = json(await run("inspect", `oci:${folder}`, "--json"));
    expect(inspected.image.digest).toBe(fixtures.diveOciGzip.images[0]?.digest);
  });

  it("a layout blob that does not match its digest is refused (exit 2)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "porthole-oci-bad-"));
    execFileSync("tar", ["-xf", join(DIVE_DATA, "test-oci-gzip-image.tar"), "-C", folder]);
    const configDigest = fixtures.diveOciGzip.images[0]?.configDigest as string;
    const config = join(folder, "blobs", "sha256", configDigest.slice("sha256:".length));
    chmodSync(config, 0o644);
    writeFileSync(config, "{}");
    const result = await run("inspect", `oci:${folder}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("digest mismatch for the image config");
  });
});

describe("porthole uses Docker's credentials", () => {
  const ref = fixtures.basicPrivate.ref;
  const auth = Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString("base64");

  it("without any, a private image is an error naming the registry's refusal (exit 2)", async () => {
    const result = await run("ls", ref);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/porthole: .*(credentials|unauthorized|authentication)/i);
  });

  it("from DOCKER_CONFIG's auths", async () => {
    const own = cliHome();
    writeFileSync(join(own.dockerConfig, "config.json"), JSON.stringify({ auths: { [BASIC_REGISTRY]: { auth } } }));
    const result = await porthole(["cat", ref, "/hello.txt"], { env: own.env });
    expect(result.stdout.toString()).toBe("hello from a registry with auth\n");
  });

  it("from a credential helper (credHelpers), run as docker runs it", async () => {
    const own = cliHome();
    const bin = join(own.home, "bin");
    execFileSync("mkdir", ["-p", bin]);
    const helper = join(bin, "docker-credential-porthole-test");
    // The server URL arrives on stdin; answer only for the registry asked about.
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\n[ "$server" = "${BASIC_REGISTRY}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
        `echo '{"ServerURL":"${BASIC_REGISTRY}","Username":"${TEST_USER.username}","Secret":"${TEST_USER.password}"}'\n`,
    );
    chmodSync(helper, 0o755);
    writeFileSync(join(own.dockerConfig, "config.json"), JSON.stringify({ credHelpers: { [BASIC_REGISTRY]: "porthole-test" } }));
    const result = await porthole(["cat", ref, "/hello.txt"], { env: { ...own.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(result.stderr).toBe("");
    expect(result.stdout.toString()).toBe("hello from a registry with auth\n");
  });

  it("an identity token from auths (as `docker login` stores one for ACR), exchanged by the OAuth2 flow", async () => {
    const own = cliHome();
    const write = (identitytoken: string) =>
      writeFileSync(
        join(own.dockerConfig, "config.json"),
        JSON.stringify({ auths: { [TOKEN_REGISTRY]: { auth: btoa("<token>:"), identitytoken } } }),
      );
    write(TEST_IDENTITY_TOKEN);
    const result = await porthole(["cat", fixtures.tokenPrivate.ref, "/hello.txt"], { env: own.env });
    expect([result.stderr, result.stdout.toString()]).toEqual(["", "hello from a registry with auth\n"]);
    write("revoked-token");
    const refused = await porthole(["cat", fixtures.tokenPrivate.ref, "/hello.txt"], { env: own.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/rejected the credentials/);
  });

  it("an identity token from a credential helper (the username <token>)", async () => {
    const own = cliHome();
    const bin = join(own.home, "bin");
    execFileSync("mkdir", ["-p", bin]);
    const helper = join(bin, "docker-credential-porthole-token");
    writeFileSync(helper, `#!/bin/sh\nread server\necho '{"ServerURL":"'$server'","Username":"<token>","Secret":"${TEST_IDENTITY_TOKEN}"}'\n`);
    chmodSync(helper, 0o755);
    writeFileSync(join(own.dockerConfig, "config.json"), JSON.stringify({ credsStore: "porthole-token" }));
    const result = await porthole(["cat", fixtures.tokenPrivate.ref, "/hello.txt"], { env: { ...own.env, PATH: `${bin}:${process.env.PATH}` } });
    expect([result.stderr, result.stdout.toString()]).toEqual(["", "hello from a registry with auth\n"]);
  });

  it("from PORTHOLE_DOCKER_CONFIG, as the server takes them", async () => {
    const own = cliHome();
    const file = join(own.home, "server-config.json");
    writeFileSync(file, JSON.stringify({ auths: { [BASIC_REGISTRY]: { auth } } }));
    const result = await porthole(["cat", ref, "/hello.txt"], { env: { ...own.env, PORTHOLE_DOCKER_CONFIG: file } });
    expect(result.stdout.toString()).toBe("hello from a registry with auth\n");
  });
});
