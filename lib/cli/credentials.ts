import "server-only";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { PortholeError } from "@/lib/core/errors";
import { DOCKER_HUB } from "@/lib/core/reference";
import { IDENTITY_TOKEN_USER, parseDockerConfig, registryOfKey, withIdentityToken, type Credentials } from "@/lib/registry/credentials";

/** The parts of a Docker config.json that name credential helpers. */
interface HelperConfig {
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The server URL Docker hands a helper: Docker Hub under its historical name, others by host. */
const helperServer = (registry: string) => (registry === DOCKER_HUB ? "https://index.docker.io/v1/" : registry);

/** The helper that holds `registry`'s credentials: its own (`credHelpers`), else the default store (`credsStore`). */
function helperFor(config: HelperConfig, registry: string): string | null {
  const own = Object.entries(config.credHelpers ?? {}).find(([key]) => registryOfKey(key) === registry);
  return own?.[1] ?? config.credsStore ?? null;
}

/** Runs `docker-credential-<helper> get` as docker does: the server URL on stdin, JSON on stdout; null when it has none. */
function askHelper(helper: string, registry: string): Promise<Credentials | null> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { timeout: 30_000 }, (error, stdout) => {
      if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
        return reject(
          new PortholeError("UNAUTHORIZED", `docker-credential-${helper} (the credential helper Docker's config names) is not installed`),
        );
      }
      // A helper without credentials for the server says so and exits non-zero: anonymous, as docker goes on.
      if (error) return resolve(null);
      try {
        const { Username, Secret } = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!Username || Secret === undefined) return resolve(null);
        resolve(Username === IDENTITY_TOKEN_USER ? withIdentityToken(Username, Secret) : { username: Username, password: Secret });
      } catch {
        reject(new PortholeError("UNAUTHORIZED", `docker-credential-${helper} answered something that is not JSON`));
      }
    });
    child.stdin?.end(helperServer(registry));
  });
}

/**
 * The credentials Docker would use for `registry`, from the first of `configFiles` that has any:
 * a credential helper (`credHelpers`, `credsStore`), else `auths`. Null: anonymous.
 */
export async function dockerCredentials(registry: string, configFiles: readonly string[]): Promise<Credentials | null> {
  for (const file of configFiles) {
    const text = await readFile(file, "utf8").catch(() => null);
    if (text === null) continue;
    let config: HelperConfig;
    try {
      config = JSON.parse(text) as HelperConfig;
    } catch {
      throw new PortholeError("BAD_REQUEST", `${file} is not valid JSON`);
    }
    const helper = helperFor(config, registry);
    const found = (helper ? await askHelper(helper, registry) : null) ?? parseDockerConfig(text).get(registry) ?? null;
    if (found) return found;
  }
  return null;
}
