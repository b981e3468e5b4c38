/**
 * File capabilities through the layer pass: the raw `SCHILY.xattr.security.capability` PAX record is
 * kept byte for byte (decoded as UTF-8 it would be mangled), and each entry carries its
 * capabilities as getcap prints them. The oracle: GNU tar archiving real files that `setcap` gave
 * capabilities (root, for setcap), and `getcap -n` on those files.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { capabilityText } from "@/lib/layer/capability";
import { listLayer } from "@/lib/layer/read";
import { chunked, prng } from "@/tests/support/random";
import { END_OF_ARCHIVE, paxHeader, rawEntry } from "@/tests/support/tar";

const CAPABILITY = "SCHILY.xattr.security.capability";
/** Revision 2, effective, permitted bytes that are a newline, an `=` and not UTF-8: what UTF-8 decoding would mangle. */
const AWKWARD = Buffer.from("010000020a3dff00000000000000000000000000", "hex");
const NOT_A_STRUCT = "not a vfs_cap_data";

async function list(stream: Readable): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for await (const batch of listLayer(stream)) entries.push(...batch);
  return entries;
}

describe("listLayer: capabilities from PAX records", () => {
  const archive = Buffer.concat([
    paxHeader({ path: "usr/bin/ping", [CAPABILITY]: AWKWARD }),
    rawEntry("placeholder", { content: "ping" }),
    rawEntry("usr/bin/plain", { content: "plain" }),
    paxHeader({ [CAPABILITY]: NOT_A_STRUCT }),
    rawEntry("usr/bin/odd", { content: "odd" }),
    // Runtimes ignore global headers (Docker, containerd): a capability there gives no file any.
    paxHeader({ [CAPABILITY]: AWKWARD }, "g"),
    rawEntry("usr/bin/after-global", { content: "after" }),
    END_OF_ARCHIVE,
  ]);

  it("keeps the record's bytes intact at every chunk boundary, and gives each entry its own", async () => {
    const expected = [
      ["/usr/bin/ping", capabilityText(AWKWARD)],
      ["/usr/bin/plain", undefined],
      ["/usr/bin/odd", `unreadable: ${Buffer.from(NOT_A_STRUCT).toString("hex")}`],
      ["/usr/bin/after-global", undefined],
    ];
    expect(capabilityText(AWKWARD)).not.toMatch(/^unreadable/);
    const random = prng(7);
    for (const largest of [1, 13, 512, 4096]) {
      const entries = await list(chunked(archive, random, largest));
      expect(
        entries.map((entry) => [entry.path, entry.capability]),
        `chunks up to ${largest} bytes`,
      ).toEqual(expected);
    }
  });
});

describe("listLayer: capabilities as GNU tar archives them, against getcap", () => {
  const work = mkdtempSync(join(tmpdir(), "porthole-pax-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("lists each file's capabilities as getcap -n prints them; a hard link's entry carries none (GNU tar writes them once)", async () => {
    const root = join(work, "root");
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    const programs = { ping: "cap_net_raw=ep", server: "cap_net_bind_service,cap_sys_nice+ep", helper: "cap_setuid+p cap_chown+i" };
    for (const [name, capabilities] of Object.entries(programs)) {
      copyFileSync("/bin/true", join(root, "usr/bin", name));
      execFileSync("setcap", [capabilities, join(root, "usr/bin", name)]);
    }
    execFileSync("setcap", ["-n", "1000", "cap_net_admin=ep", join(root, "usr/bin/server")]);
    linkSync(join(root, "usr/bin/ping"), join(root, "usr/bin/ping-again"));
    copyFileSync("/bin/true", join(root, "usr/bin/plain"));
    const getcap = (name: string) =>
      execFileSync("getcap", ["-n", join(root, "usr/bin", name)], { encoding: "utf8" })
        .trim()
        .split(" ")
        .slice(1)
        .join(" ");

    const archive = execFileSync("tar", ["--xattrs", "--xattrs-include=security.capability", "--format=pax", "-C", root, "-cf", "-", "."], {
      maxBuffer: 1 << 28,
    });
    const entries = await list(Readable.from([archive]));
    const capabilities = Object.fromEntries(entries.filter((e) => e.type !== "dir").map((e) => [e.path, e.capability]));
    expect(capabilities).toEqual({
      "/usr/bin/ping": getcap("ping"),
      "/usr/bin/server": getcap("server"),
      "/usr/bin/helper": getcap("helper"),
      "/usr/bin/ping-again": undefined,
      "/usr/bin/plain": undefined,
    });
    expect(capabilities["/usr/bin/server"]).toBe("cap_net_admin=ep [rootid=1000]");
    expect(capabilities["/usr/bin/helper"]).toBe("cap_chown=i cap_setuid+p");
  });
});
