import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerCredentials } from "@/lib/cli/credentials";

/** A fake `docker-credential-<name>` on PATH that knows one server URL (as docker hands it on stdin). */
function helper(dir: string, name: string, server: string, username: string): void {
  const file = join(dir, `docker-credential-${name}`);
  writeFileSync(
    file,
    `#!/bin/sh\nread server\n[ "$server" = "${server}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
      `echo '{"ServerURL":"${server}","Username":"${username}","Secret":"pw"}'\n`,
  );
  chmodSync(file, 0o755);
}

describe("dockerCredentials: what docker would send", () => {
  const dir = mkdtempSync(join(tmpdir(), "porthole-creds-"));
  const path = process.env.PATH;
  const config = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  beforeAll(() => {
    helper(dir, "hub", "https://index.docker.io/v1/", "hub-user");
    helper(dir, "own", "ghcr.io", "ghcr-user");
    process.env.PATH = `${dir}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
  });

  it("asks a registry's own helper first, then the default store (Docker Hub by its historical URL), then auths", async () => {
    const file = config("a.json", {
      credsStore: "hub",
      credHelpers: { "ghcr.io": "own" },
      auths: { "quay.io": { auth: Buffer.from("quay-user:pw").toString("base64") } },
    });
    expect(await dockerCredentials("ghcr.io", [file])).toEqual({ username: "ghcr-user", password: "pw" });
    expect(await dockerCredentials("docker.io", [file])).toEqual({ username: "hub-user", password: "pw" });
    // The store has none for quay.io: the auths entry is used.
    expect(await dockerCredentials("quay.io", [file])).toEqual({ username: "quay-user", password: "pw" });
    expect(await dockerCredentials("example.com", [file])).toBeNull();
  });

  it("takes the first file that has credentials, skipping missing ones; a helper that is not installed is an error", async () => {
    const first = config("b.json", { auths: {} });
    const second = config("c.json", { auths: { "ghcr.io": { username: "u", password: "p" } } });
    expect(await dockerCredentials("ghcr.io", [join(dir, "missing.json"), first, second])).toEqual({ username: "u", password: "p" });
    await expect(dockerCredentials("ghcr.io", [config("d.json", { credsStore: "absent" })])).rejects.toThrow(
      /docker-credential-absent .* not installed/,
    );
  });
});
