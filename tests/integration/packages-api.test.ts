/**
 * GET /api/v1/packages against the real registry: package databases captured in the one pass over
 * each layer, merged across layers, attributed to the layer that installed or upgraded each package.
 * Oracles: dpkg-query over the extracted Debian root filesystem, `go version -m` on the Go binary,
 * getcap on files setcap gave capabilities (archived by GNU tar with their extended attributes).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as packagesGET } from "@/app/api/v1/packages/route";
import type { PackagesResponse } from "@/lib/core/api-types";
import { overrideSettings } from "@/lib/config";
import { debianRootfs } from "@/tests/support/debian-rootfs";
import type { EntrySpec } from "@/tests/support/image-builder";
import { PKG_FIXTURES, imageFiles } from "@/tests/unit/packages/fixtures";
import { goVersionM, testBinary } from "@/tests/unit/packages/go-oracle";
import { OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n\n`;
const status = (...packages: [string, string][]) => ({
  name: "var/lib/dpkg/status",
  content: packages.map(([name, version]) => stanza(name, version)).join(""),
});

async function packages(ref: string, files = false): Promise<PackagesResponse> {
  const url = new URL("http://porthole.test/api/v1/packages");
  url.searchParams.set("ref", ref);
  if (files) url.searchParams.set("files", "1");
  const response = await packagesGET(new Request(url));
  expect(response.status).toBe(200);
  return response.json();
}

/** A fixture folder of ../shared/pkg-fixtures as one layer's entries. */
function folderEntries(name: string): EntrySpec[] {
  return [...imageFiles(join(PKG_FIXTURES, name), () => true)].map(([path, bytes]) => ({ name: path.slice(1), content: Buffer.from(bytes) }));
}

const work = mkdtempSync(join(tmpdir(), "porthole-packages-"));
beforeAll(() => overrideSettings({ allowPrivateHosts: "all" }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a crafted history: install, upgrade, remove", () => {
  let answer: PackagesResponse;
  beforeAll(async () => {
    const image = await pushSingle(OPEN_REGISTRY, "fixtures/packages", "history", {
      format: "oci",
      layers: [
        {
          entries: [
            status(["alpha", "1.0-1"], ["beta", "2.0-1"]),
            { name: "var/lib/dpkg/info/alpha.list", content: "/usr/bin/alpha\n/usr/share/doc/alpha/copyright\n" },
            { name: "usr/bin/alpha", content: "alpha", mode: 0o755 },
            { name: "usr/share/doc/alpha/copyright", content: "MIT" },
            { name: "bin/sh", content: "shell", mode: 0o755 },
          ],
        },
        { entries: [status(["alpha", "1.0-1"], ["beta", "2.1-1"], ["gamma", "1:3.0-2"])] },
        { compression: "zstd", entries: [status(["alpha", "1.0-1"], ["gamma", "1:3.0-2"]), { name: "usr/share/.wh.doc" }] },
      ],
    });
    answer = await packages(image.ref, true);
  });

  it("says what each layer installed, upgraded and removed", () => {
    expect(answer.layers).toEqual([
      { index: 0, added: ["deb:alpha", "deb:beta"], removed: [], changed: [] },
      { index: 1, added: ["deb:gamma"], removed: [], changed: [{ package: "deb:beta", from: "2.0-1", to: "2.1-1" }] },
      { index: 2, added: [], removed: ["deb:beta"], changed: [] },
    ]);
  });

  it("lists what is installed now, each with the layer that gave it its state, its files and those removed since", () => {
    expect(answer.packages).toEqual([
      {
        type: "deb",
        name: "alpha",
        version: "1.0-1",
        arch: "amd64",
        layer: 0,
        db: "/var/lib/dpkg/status",
        files: ["/usr/bin/alpha", "/usr/share/doc/alpha/copyright"],
        missing: ["/usr/share/doc/alpha/copyright"],
      },
      { type: "deb", name: "gamma", version: "1:3.0-2", arch: "amd64", layer: 1, db: "/var/lib/dpkg/status" },
    ]);
    expect(answer.problems).toEqual([]);
  });

  it("describes the attack surface: root by default, a shell", () => {
    expect(answer.surface).toMatchObject({ user: "", runsAsRoot: true, shells: ["/bin/sh"], setuid: [] });
  });
});

describe("real databases", () => {
  it("reads distroless dpkg, apk, Python and RPM databases from syft's fixtures, one image each", async () => {
    for (const [folder, type, somePackage] of [
      ["deb-distroless", "deb", "libsqlite3-0"],
      ["apk-alpine316", "apk", "musl"],
      ["python", "python", "requests"],
      ["rpm", "rpm", "dive"],
    ] as const) {
      const image = await pushSingle(OPEN_REGISTRY, "fixtures/packages", folder, { format: "oci", layers: [{ entries: folderEntries(folder) }] });
      const listed = await packages(image.ref);
      expect(listed.packages.length, folder).toBeGreaterThan(0);
      expect(
        listed.packages.every((found) => found.type === type && found.layer === 0),
        folder,
      ).toBe(true);
      expect(
        listed.packages.map((found) => found.name),
        folder,
      ).toContain(somePackage);
    }
  });

  it("lists the Debian root filesystem's packages exactly as dpkg-query does", async () => {
    const rootfs = debianRootfs("essential");
    const image = await pushSingle(OPEN_REGISTRY, "fixtures/debian", "essential", { format: "oci", layers: [{ archive: rootfs }] });
    const listed = await packages(image.ref);
    const root = join(work, "debian");
    execFileSync("mkdir", ["-p", root]);
    execFileSync("tar", ["-x", "--numeric-owner", "-C", root, "./var/lib/dpkg"], { input: rootfs, maxBuffer: 1 << 30 });
    const expected = execFileSync("dpkg-query", [`--admindir=${root}/var/lib/dpkg`, "-W", "-f", "${Package}\\t${Version}\\t${Architecture}\\n"])
      .toString()
      .trim()
      .split("\n")
      .sort();
    expect(listed.packages.map((found) => `${found.name}\t${found.version}\t${found.arch}`).sort()).toEqual(expected);
  });

  it("says a package's file is missing only when it is not on the extracted disk (usrmerge: dpkg lists /bin/ls, the disk has /usr/bin/ls)", async () => {
    const rootfs = debianRootfs("essential");
    const image = await pushSingle(OPEN_REGISTRY, "fixtures/debian", "essential", { format: "oci", layers: [{ archive: rootfs }] });
    const listed = await packages(image.ref, true);
    const root = join(work, "debian-whole");
    mkdirSync(root);
    execFileSync("tar", ["-x", "--numeric-owner", "-C", root], { input: rootfs, maxBuffer: 1 << 30 });
    const onDisk = (path: string) => lstatSync(join(root, path), { throwIfNoEntry: false }) !== undefined;
    const files = listed.packages.flatMap((found) => found.files ?? []);
    expect(files).toContain("/bin/ls");
    expect(listed.packages.flatMap((found) => found.missing ?? [])).toEqual(files.filter((path) => !onDisk(path)));
  });

  it("finds a Go binary's modules as go version -m does", async () => {
    const binary = testBinary();
    const image = await pushSingle(OPEN_REGISTRY, "fixtures/packages", "go", {
      format: "oci",
      layers: [{ entries: [{ name: "usr/local/bin/app", content: readFileSync(binary), mode: 0o755 }] }],
    });
    const listed = await packages(image.ref);
    const oracle = goVersionM(binary);
    const go = listed.packages.filter((found) => found.type === "go");
    expect(go.length).toBeGreaterThan(1);
    expect(go.every((found) => found.db === "/usr/local/bin/app")).toBe(true);
    expect(go.map((found) => found.name)).toEqual(
      expect.arrayContaining([oracle.mod?.[0] ?? oracle.path, ...oracle.deps.map((dep) => dep.replace?.[0] ?? dep.dep[0])]),
    );
  });

  it("answers an empty list for an image without package databases", async () => {
    const image = await pushSingle(OPEN_REGISTRY, "fixtures/packages", "none", {
      format: "oci",
      layers: [{ entries: [{ name: "hello.txt", content: "hi" }] }],
    });
    const listed = await packages(image.ref);
    expect(listed.packages).toEqual([]);
    expect(listed.layers).toEqual([]);
  });
});

describe("file capabilities", () => {
  it("lists the files with capabilities as getcap prints them, hard links too, not those a later layer deleted", async () => {
    const root = join(work, "caps");
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    mkdirSync(join(root, "usr/sbin"), { recursive: true });
    const given = {
      "usr/bin/ping": "cap_net_raw=ep",
      "usr/sbin/server": "cap_net_bind_service,cap_sys_nice+ep",
      "usr/sbin/gone": "cap_sys_admin=ep",
    };
    for (const [path, capabilities] of Object.entries(given)) {
      copyFileSync("/bin/true", join(root, path));
      execFileSync("setcap", [capabilities, join(root, path)]);
    }
    linkSync(join(root, "usr/bin/ping"), join(root, "usr/bin/ping6"));
    const getcap = (path: string) =>
      execFileSync("getcap", [join(root, path)], { encoding: "utf8" })
        .trim()
        .split(" ")
        .slice(1)
        .join(" ");
    const xattrs = ["--xattrs", "--xattrs-include=security.capability", "--format=pax"];
    // Fixed times, owners and order: the same layer digest on every run.
    const fixed = ["--sort=name", "--mtime=@1700000000", "--owner=0", "--group=0", "--numeric-owner", "--pax-option=delete=atime,delete=ctime"];
    const archive = execFileSync("tar", [...xattrs, ...fixed, "-C", root, "-cf", "-", "."], { maxBuffer: 1 << 28 });
    const image = await pushSingle(OPEN_REGISTRY, "fixtures/packages", "capabilities", {
      format: "oci",
      layers: [{ archive }, { entries: [{ name: "usr/sbin/.wh.gone" }] }],
    });
    const { surface } = await packages(image.ref);
    expect(surface.capabilities).toEqual([
      { path: "/usr/bin/ping", value: getcap("usr/bin/ping") },
      { path: "/usr/bin/ping6", value: getcap("usr/bin/ping") },
      { path: "/usr/sbin/server", value: getcap("usr/sbin/server") },
    ]);
    expect(surface.capabilities.map((found) => found.value)).toEqual(["cap_net_raw=ep", "cap_net_raw=ep", "cap_net_bind_service,cap_sys_nice=ep"]);
  });
});
