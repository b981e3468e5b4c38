/**
 * Hand-made tar blocks for tests that need what tar-stream's packer will not write: raw non-UTF-8
 * names, GNU long-name records, v7 headers without magic, hostile headers.
 */
export function rawEntry(name: Buffer | string, options: { type?: string; content?: Buffer | string; linkname?: Buffer | string; magic?: boolean } = {}): Buffer {
  const content = Buffer.from(options.content ?? "");
  const header = Buffer.alloc(512);
  Buffer.from(name).copy(header, 0, 0, 100);
  header.write("0000644\0", 100, "latin1");
  header.write("0000000\0", 108, "latin1");
  header.write("0000000\0", 116, "latin1");
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  header.write(`${(1_700_000_000).toString(8).padStart(11, "0")}\0`, 136, "latin1");
  header.write(options.type ?? "0", 156, "latin1");
  if (options.linkname) Buffer.from(options.linkname).copy(header, 157, 0, 100);
  if (options.magic !== false) header.write("ustar\x0000", 257, "latin1");
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding]);
}

/** A GNU long name (`L`) or long link (`K`) record followed by its entry. */
export function gnuLongEntry(name: string, options: { type?: string; content?: string; linkname?: string } = {}): Buffer {
  const parts = [rawEntry("././@LongLink", { type: "L", content: `${name}\0` })];
  if (options.linkname) parts.push(rawEntry("././@LongLink", { type: "K", content: `${options.linkname}\0` }));
  parts.push(rawEntry(name.slice(0, 99), { type: options.type, content: options.content, linkname: options.linkname?.slice(0, 99) }));
  return Buffer.concat(parts);
}

export const END_OF_ARCHIVE = Buffer.alloc(1024);
