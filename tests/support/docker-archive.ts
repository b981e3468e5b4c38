/** Reads a `docker save` archive (as dive's test images are) into its config and layer tars. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import tar from "tar-stream";

export async function readTarFiles(path: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk) => chunks.push(chunk as Buffer));
    stream.on("end", () => {
      if (header.type === "file") files.set(header.name.replace(/^\.\//, ""), Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on("finish", () => resolve());
    extract.on("error", reject);
    extract.end(readFileSync(path));
  });
  return files;
}

/** The layer tars (uncompressed) of a docker-save archive, bottom first. */
export async function dockerArchiveLayers(path: string): Promise<Buffer[]> {
  const files = await readTarFiles(path);
  const [manifest] = JSON.parse((files.get("manifest.json") as Buffer).toString("utf8")) as { Layers: string[] }[];
  return (manifest?.Layers ?? []).map((name) => {
    const bytes = files.get(name) as Buffer;
    return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  });
}
