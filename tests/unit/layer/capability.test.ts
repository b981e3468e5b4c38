/**
 * capabilityText against libcap. The table holds real `security.capability` values: each written by
 * `setcap` (or as raw bytes with `setfattr`, for states setcap's text cannot ask for) on a real file,
 * read back with `getfattr -e hex`, next to what `getcap -n` printed for it. The oracle test does the
 * same live for seeded random values: setfattr writes them, getcap reads them (root, for setfattr on
 * `security.*`; Debian's libcap2-bin and attr).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capabilityText } from "@/lib/layer/capability";
import { prng } from "@/tests/support/random";

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

const WRITTEN_BY_SETCAP: [hex: string, getcap: string, how: string][] = [
  ["0100000200040000000000000000000000000000", "cap_net_bind_service=ep", "setcap cap_net_bind_service=ep"],
  ["0100000200200000000000000000000000000000", "cap_net_raw=ep", "setcap cap_net_raw=ep"],
  ["0100000200300000003000000000000000000000", "cap_net_admin,cap_net_raw=eip", "setcap cap_net_admin,cap_net_raw+eip"],
  ["0000000280000000210000000000000000000000", "cap_chown,cap_kill=i cap_setuid+p", "setcap 'cap_chown,cap_kill+i cap_setuid+p'"],
  ["00000002ffffffff00000000ff01000000000000", "=p", "setcap =p"],
  ["01000002ffffdfff00000000ff01000000000000", "=ep cap_sys_admin-ep", "setcap '=ep cap_sys_admin-ep'"],
  ["0100000202000000000000000001000000000000", "cap_dac_override,cap_checkpoint_restore=ep", "setcap cap_dac_override,cap_checkpoint_restore+ep"],
  ["0000000200000000000000800000000000000000", "cap_setfcap=i", "setcap cap_setfcap=i"],
  ["0100000300200000000000000000000000000000e8030000", "cap_net_raw=ep [rootid=1000]", "setcap -n 1000 cap_net_raw=ep"],
  ["0000000200000000000000000000000000000000", "=", "setfattr: nothing set"],
  [
    "0000000382908598200080100000000000000000a0860100",
    "cap_sys_nice,cap_lease=ip cap_kill+i cap_dac_override,cap_setuid,cap_net_admin,cap_ipc_owner,cap_sys_module,cap_sys_chroot,cap_mknod,cap_setfcap+p [rootid=100000]",
    "setfattr: three states, revision 3",
  ],
  [
    "000000020001100040004001ff03000000000000",
    "cap_setgid,cap_sys_boot,cap_sys_resource=i cap_setpcap,cap_sys_pacct,cap_mac_override,cap_mac_admin,cap_syslog,cap_wake_alarm,cap_block_suspend,cap_audit_read,cap_perfmon,cap_bpf,cap_checkpoint_restore+p 41+p",
    "setfattr: a bit past the named ones",
  ],
  [
    "0100000200000000f1df73afff03000000000000",
    "=ei cap_mac_override,cap_mac_admin,cap_syslog,cap_wake_alarm,cap_block_suspend,cap_audit_read,cap_perfmon,cap_bpf,cap_checkpoint_restore+p-i cap_dac_override,cap_dac_read_search,cap_fowner,cap_net_raw,cap_sys_chroot,cap_sys_ptrace,cap_sys_nice,cap_lease,cap_audit_control-ei 41+ep",
    "setfattr: raised and lowered against a common state",
  ],
];

describe("capabilityText: values setcap wrote, as getcap -n prints them", () => {
  it.each(WRITTEN_BY_SETCAP)("%s → %s (%s)", (hex, getcap) => {
    expect(capabilityText(bytes(hex))).toBe(getcap);
  });

  it("reads revision 1 (32 bits; kernels still honour it though they no longer write it)", () => {
    expect(capabilityText(bytes("010000010004000000000000"))).toBe("cap_net_bind_service=ep");
  });

  it("shows a value no kernel would accept as its bytes: a wrong size, an unknown revision, a PAX record a megabyte long", () => {
    expect(capabilityText(bytes("01000002000400000000000000000000"))).toBe("unreadable: 01000002000400000000000000000000");
    expect(capabilityText(bytes("0100000400040000000000000000000000000000"))).toBe("unreadable: 0100000400040000000000000000000000000000");
    expect(capabilityText(new Uint8Array(0))).toBe("unreadable: ");
    expect(capabilityText(new Uint8Array(1 << 20).fill(0xab))).toBe(`unreadable: ${"ab".repeat(32)}…`);
  });
});

describe("capabilityText against getcap, live", () => {
  const work = mkdtempSync(join(tmpdir(), "porthole-caps-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** A random but plausible struct: each word empty, all set, or a few or many bits. */
  function randomValue(random: ReturnType<typeof prng>): Buffer {
    const revision = random.pick([2, 3]);
    const word = () => random.pick([0, 0xffffffff, random.int(2 ** 32), 1 << random.int(32), random.int(2 ** 32) & random.int(2 ** 32)]);
    const value = Buffer.alloc(revision === 3 ? 24 : 20);
    value.writeUInt32LE(((revision << 24) | random.int(2)) >>> 0, 0);
    for (let offset = 4; offset < 20; offset += 4) value.writeUInt32LE(random.int(3) === 0 ? 0 : word() >>> 0, offset);
    if (revision === 3) value.writeUInt32LE(random.pick([0, 1000, 100000]), 20);
    return value;
  }

  it("prints what getcap -n prints for 200 seeded random values", () => {
    const file = join(work, "program");
    writeFileSync(file, "");
    const random = prng(11);
    const mismatches: string[] = [];
    for (let i = 0; i < 200; i++) {
      const value = randomValue(random);
      execFileSync("setfattr", ["-n", "security.capability", "-v", `0x${value.toString("hex")}`, file]);
      const printed = execFileSync("getcap", ["-n", file], { encoding: "utf8" })
        .trim()
        .slice(file.length + 1);
      const ours = capabilityText(Uint8Array.from(value));
      if (ours !== printed) mismatches.push(`${value.toString("hex")}: getcap ${printed}, ours ${ours}`);
    }
    expect(mismatches).toEqual([]);
  });
});
