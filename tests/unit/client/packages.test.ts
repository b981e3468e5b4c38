import { describe, expect, it } from "vitest";
import { packagesApiUrl } from "@/lib/client/api";
import { layerInventoryDetail, layerInventoryText, nextSort, searchPackages, sortPackages } from "@/lib/client/packages";
import { surfaceItems, type SurfaceItem } from "@/lib/core/surface-words";
import type { InstalledPackage, Surface } from "@/lib/core/api-types";

const pkg = (type: InstalledPackage["type"], name: string, version: string, layer: number, files?: string[]): InstalledPackage => ({
  type,
  name,
  version,
  layer,
  db: "/var/lib/dpkg/status",
  ...(files && { files }),
});

const inventory = [
  pkg("deb", "zlib1g", "1:1.2.13", 0, ["/a", "/b", "/c"]),
  pkg("deb", "libc6", "2.36-9", 0, ["/a"]),
  pkg("python", "requests", "2.31.0", 2),
  pkg("deb", "apt", "2.6.1", 1, []),
  pkg("npm", "Zod", "3.9.0", 2),
  pkg("go", "stdlib", "go1.22.10", 2),
];
const names = (list: InstalledPackage[]) => list.map((p) => p.name);

const surface = (fields: Partial<Surface> = {}): Surface => ({
  user: "",
  runsAsRoot: true,
  shells: [],
  packageManagers: [],
  setuid: [],
  setgid: [],
  worldWritable: [],
  capabilities: [],
  compilers: [],
  networkTools: [],
  ...fields,
});

/** A surface line as it reads on screen. */
function read(items: SurfaceItem[]): string {
  return items
    .map((item) => (item.kind === "named" ? `${item.before}${item.names.map((n) => n.name).join(", ")}${item.after}` : item.text))
    .join(" · ");
}

describe("packagesApiUrl", () => {
  it("asks for files only when told", () => {
    expect(packagesApiUrl("localhost:5000/app@sha256:ab")).toBe("/api/v1/packages?ref=localhost%3A5000%2Fapp%40sha256%3Aab");
    expect(packagesApiUrl("a", true)).toBe("/api/v1/packages?ref=a&files=1");
  });
});

describe("searching and sorting the inventory", () => {
  it("finds by name, type or version, ignoring case; an empty search finds all", () => {
    expect(names(searchPackages(inventory, "LIB"))).toEqual(["zlib1g", "libc6", "stdlib"]);
    expect(names(searchPackages(inventory, "python:"))).toEqual(["requests"]);
    expect(names(searchPackages(inventory, "2.36"))).toEqual(["libc6"]);
    expect(searchPackages(inventory, "  ")).toHaveLength(inventory.length);
  });

  it("sorts by each column, numbers as numbers, ties by name, and flips on a second click", () => {
    expect(names(sortPackages(inventory, { key: "name", descending: false }))).toEqual(["apt", "libc6", "requests", "stdlib", "zlib1g", "Zod"]);
    expect(names(sortPackages(inventory, { key: "layer", descending: false }))).toEqual(["libc6", "zlib1g", "apt", "requests", "stdlib", "Zod"]);
    expect(names(sortPackages(inventory, { key: "layer", descending: true }))).toEqual(["requests", "stdlib", "Zod", "apt", "libc6", "zlib1g"]);
    expect(names(sortPackages(inventory, { key: "files", descending: true })).slice(0, 3)).toEqual(["zlib1g", "libc6", "apt"]);
    expect(names(sortPackages([pkg("deb", "a", "1.10", 0), pkg("deb", "b", "1.9", 0)], { key: "version", descending: false }))).toEqual(["b", "a"]);
    expect(nextSort({ key: "name", descending: false }, "name")).toEqual({ key: "name", descending: true });
    expect(nextSort({ key: "name", descending: true }, "layer")).toEqual({ key: "layer", descending: false });
  });

  it("leaves its input alone", () => {
    const before = names(inventory);
    sortPackages(inventory, { key: "version", descending: true });
    searchPackages(inventory, "lib");
    expect(names(inventory)).toEqual(before);
  });
});

describe("a layer's inventory line", () => {
  it("counts what it installed, upgraded and removed, leaving out what it did not do", () => {
    const change = { index: 1, added: ["deb:gamma", "deb:delta"], removed: ["deb:beta"], changed: [{ package: "deb:alpha", from: "1", to: "2" }] };
    expect(layerInventoryText(change)).toBe("+2 installed · ~1 upgraded · \u22121 removed");
    expect(layerInventoryText({ index: 0, added: ["deb:a", "deb:b"], removed: [], changed: [] })).toBe("+2 installed");
    expect(layerInventoryText({ index: 0, added: [], removed: [], changed: [] })).toBeNull();
    expect(layerInventoryText(undefined)).toBeNull();
    expect(layerInventoryDetail(change)).toBe("+ deb:gamma\n+ deb:delta\n~ deb:alpha 1 → 2\n\u2212 deb:beta");
  });
});

describe("the attack surface in plain words", () => {
  it("reads like a sentence: root, the shell, the package manager, setuid files", () => {
    const items = surfaceItems(
      surface({
        shells: ["/bin/bash", "/bin/sh", "/usr/bin/bash"],
        packageManagers: [{ name: "apt", path: "/usr/bin/apt" }],
        setuid: ["/bin/su", "/usr/bin/passwd"],
      }),
    );
    expect(read(items)).toBe("runs as root · has shells (bash, sh) · package manager apt · 2 setuid binaries");
    expect(items.find((i) => i.key === "shells")).toMatchObject({
      names: [
        { name: "bash", path: "/bin/bash" },
        { name: "sh", path: "/bin/sh" },
      ],
    });
    expect(items.find((i) => i.key === "setuid")).toMatchObject({ kind: "list", paths: [{ path: "/bin/su" }, { path: "/usr/bin/passwd" }] });
  });

  it("says what is absent, who it runs as, and names everything else it finds", () => {
    expect(read(surfaceItems(surface({ user: "65532", runsAsRoot: false })))).toBe("runs as 65532 · no shell · no package manager");
    expect(read(surfaceItems(surface({ user: "0:0", shells: ["/bin/sh"] })))).toBe("runs as root (0:0) · has a shell (sh) · no package manager");
    const everything = surface({
      compilers: ["/usr/bin/gcc-12"],
      networkTools: ["/usr/bin/curl", "/usr/bin/wget"],
      setgid: ["/usr/bin/wall"],
      worldWritable: ["/data", "/tmp/x"],
      capabilities: [{ path: "/usr/bin/ping", value: "cap_net_raw=ep" }],
    });
    expect(read(surfaceItems(everything))).toBe(
      "runs as root · no shell · no package manager · compiler gcc-12 · network tools curl, wget · 1 setgid binary · 2 world-writable paths · 1 file with capabilities",
    );
    expect(surfaceItems(everything).find((i) => i.key === "capabilities")).toMatchObject({
      paths: [{ path: "/usr/bin/ping", note: "cap_net_raw=ep" }],
    });
  });
});
