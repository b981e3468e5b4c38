/**
 * File capabilities as `getcap` prints them. A file's `security.capability` extended attribute holds
 * a `vfs_cap_data` (linux/capability.h), little-endian: `magic_etc` (the revision in the top byte,
 * the effective flag in bit 0), then permitted/inheritable pairs of 32-bit words (one pair in
 * revision 1, two in 2 and 3), then in revision 3 the root uid of the user namespace it was set in.
 */

/** linux/capability.h, by bit number; bits past the last named one print as their number, as libcap does. */
const NAMES = [
  "chown",
  "dac_override",
  "dac_read_search",
  "fowner",
  "fsetid",
  "kill",
  "setgid",
  "setuid",
  "setpcap",
  "linux_immutable",
  "net_bind_service",
  "net_broadcast",
  "net_admin",
  "net_raw",
  "ipc_lock",
  "ipc_owner",
  "sys_module",
  "sys_rawio",
  "sys_chroot",
  "sys_ptrace",
  "sys_pacct",
  "sys_admin",
  "sys_boot",
  "sys_nice",
  "sys_resource",
  "sys_time",
  "sys_tty_config",
  "mknod",
  "lease",
  "audit_write",
  "audit_control",
  "setfcap",
  "mac_override",
  "mac_admin",
  "syslog",
  "wake_alarm",
  "block_suspend",
  "audit_read",
  "perfmon",
  "bpf",
  "checkpoint_restore",
].map((name) => `cap_${name}`);

const REVISIONS: Record<number, { words: number; size: number }> = {
  1: { words: 1, size: 12 },
  2: { words: 2, size: 20 },
  3: { words: 2, size: 24 },
};

const EFFECTIVE_FLAG = 0x1;
/**
 * A capability's state as a bit set. libcap ranks states by this value (effective 1, permitted 2,
 * inheritable 4): its text lists them from the highest down, and a tie for the most common goes to
 * the lowest. The letters are always written e, i, p.
 */
const E = 1;
const P = 2;
const I = 4;

/** An unreadable value is shown at most this long: a PAX record can be a megabyte. */
const MAX_SHOWN_BYTES = 32;
const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

const letters = (state: number) => `${state & E ? "e" : ""}${state & I ? "i" : ""}${state & P ? "p" : ""}`;
const nameOf = (bit: number) => NAMES[bit] ?? String(bit);

interface FileCapability {
  /** Each capability bit's state (E | I | P), from bit 0. */
  states: number[];
  /** Revision 3 only: the namespace root uid the capability applies to. */
  rootId: number | null;
}

/** The struct's fields, or null when it is not one the kernel would accept (an unknown revision, a wrong size). */
function parseCapability(bytes: Uint8Array): FileCapability | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const revision = REVISIONS[magic >>> 24];
  if (!revision || bytes.length !== revision.size) return null;
  const effective = (magic & EFFECTIVE_FLAG) !== 0;
  // Every named capability, and every bit the struct has past them.
  const states = new Array<number>(Math.max(NAMES.length, 32 * revision.words)).fill(0);
  for (let word = 0; word < revision.words; word++) {
    const permitted = view.getUint32(4 + 8 * word, true);
    const inheritable = view.getUint32(8 + 8 * word, true);
    for (let bit = 0; bit < 32; bit++) {
      const state = ((permitted >>> bit) & 1 ? P : 0) | ((inheritable >>> bit) & 1 ? I : 0);
      // The effective flag is one bit for the whole file: everything permitted or inheritable is raised.
      states[32 * word + bit] = state && effective ? state | E : state;
    }
  }
  return { states, rootId: magic >>> 24 === 3 ? view.getUint32(20, true) : null };
}

/**
 * The text form `getcap` prints. Over the named capabilities, the most common state is said once
 * (`=`, `=ep`), then each other state lists its capabilities and how they differ from it
 * (`cap_net_raw+p`, `cap_chown-e`); when the common state is "nothing", the first list takes the
 * `=` (`cap_net_bind_service=ep`). Bits past the named ones follow as numbers, each state raised
 * from nothing (`41+p`). A revision 3 value names its namespace root as `getcap -n` does
 * (` [rootid=1000]`). A value the kernel would refuse (hostile, or a revision newer than this code)
 * is shown as its first bytes in hex rather than dropped: `unreadable: 0100000400…`.
 */
export function capabilityText(bytes: Uint8Array): string {
  const parsed = parseCapability(bytes);
  if (!parsed) return `unreadable: ${hex(bytes.subarray(0, MAX_SHOWN_BYTES))}${bytes.length > MAX_SHOWN_BYTES ? "…" : ""}`;
  const named = parsed.states.slice(0, NAMES.length);
  const common = mostCommon(named);
  const parts = [`=${letters(common)}`];
  for (const [state, bits] of byState(named)) {
    if (state === common) continue;
    const names = bits.map(nameOf).join(",");
    const lowered = common & ~state ? `-${letters(common & ~state)}` : "";
    const raised = state & ~common ? letters(state & ~common) : "";
    if (parts[0] === "=") parts[0] = `${names}=${raised}${lowered}`;
    else parts.push(`${names}${raised && `+${raised}`}${lowered}`);
  }
  for (const [state, bits] of byState(parsed.states.slice(NAMES.length), NAMES.length)) {
    if (state !== 0) parts.push(`${bits.map(nameOf).join(",")}+${letters(state)}`);
  }
  if (parsed.rootId) parts.push(`[rootid=${parsed.rootId}]`);
  return parts.join(" ");
}

/** The bits (numbered from `first`) in each state, highest state first. */
function byState(states: readonly number[], first = 0): [number, number[]][] {
  const groups = new Map<number, number[]>();
  for (const [index, state] of states.entries()) {
    const bits = groups.get(state);
    if (bits) bits.push(first + index);
    else groups.set(state, [first + index]);
  }
  return [...groups].sort(([a], [b]) => b - a);
}

/** The state most capabilities share; a tie goes to the lowest. */
function mostCommon(states: readonly number[]): number {
  const counts = new Array<number>(8).fill(0);
  for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  let best = 0;
  for (let state = 1; state < 8; state++) if ((counts[state] ?? 0) > (counts[best] ?? 0)) best = state;
  return best;
}
