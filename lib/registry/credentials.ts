import "server-only";
import { readFile } from "node:fs/promises";
import { settings } from "@/lib/config";
import { DOCKER_HUB } from "@/lib/core/reference";

export interface Credentials {
  username: string;
  password: string;
  /**
   * An OAuth2 refresh token (Docker's "identity token", from `docker login` to ACR and the like, or
   * a helper answering the username `<token>`): exchanged at the token realm for access tokens, in
   * place of the username and password.
   */
  identityToken?: string;
}

/** The username a credential helper answers (and Docker stores) with an identity token as the secret. */
export const IDENTITY_TOKEN_USER = "<token>";

/** Reduces a docker config `auths` key (`host:port`, `https://index.docker.io/v1/`) to a registry. */
export function registryOfKey(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}

interface AuthsEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/**
 * Parses a Docker-style config (`{"auths": {host: {auth: base64(user:pass)} | {username, password}
 * | {identitytoken}}}`); an identity token wins over a password, as in Docker.
 */
export function parseDockerConfig(json: string): Map<string, Credentials> {
  const result = new Map<string, Credentials>();
  const auths = (JSON.parse(json) as { auths?: Record<string, AuthsEntry> }).auths ?? {};
  for (const [key, entry] of Object.entries(auths)) {
    let { username, password } = entry;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (entry.identitytoken) result.set(registryOfKey(key), withIdentityToken(username ?? IDENTITY_TOKEN_USER, entry.identitytoken));
    else if (username && password !== undefined) result.set(registryOfKey(key), { username, password });
  }
  return result;
}

/** Credentials that are an identity token: no password (a Basic registry gets none), the token for the realm. */
export function withIdentityToken(username: string, token: string): Credentials {
  return { username, password: "", identityToken: token };
}

/** Server-wide credentials for `registry` from the file at PORTHOLE_DOCKER_CONFIG, read per call. */
export async function serverCredentials(registry: string): Promise<Credentials | null> {
  const path = settings().dockerConfigPath;
  if (!path) return null;
  try {
    return parseDockerConfig(await readFile(path, "utf8")).get(registry.toLowerCase()) ?? null;
  } catch (error) {
    console.error(`PORTHOLE_DOCKER_CONFIG (${path}) could not be read:`, (error as Error).message);
    return null;
  }
}
