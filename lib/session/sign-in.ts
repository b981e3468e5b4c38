import "server-only";
import { PortholeError } from "@/lib/core/errors";
import { parseRegistryHost } from "@/lib/core/reference";
import { RegistryClient } from "@/lib/registry/client";
import { sessionOf, type Session } from "@/lib/session/session";

/**
 * Signs a browser session in to a registry: `{registry, username, password}` from the request body,
 * checked with the registry the way `docker login` does, then added to the session's credentials.
 */
export async function signIn(request: Request): Promise<Session> {
  const body = (await request.json().catch(() => null)) as { registry?: unknown; username?: unknown; password?: unknown } | null;
  const { registry, username, password } = body ?? {};
  if (typeof registry !== "string" || typeof username !== "string" || typeof password !== "string" || !username) {
    throw new PortholeError("BAD_REQUEST", "send JSON {registry, username, password}");
  }
  const host = parseRegistryHost(registry);
  const credentials = { username, password };
  const client = await RegistryClient.for({ registry: host, repository: "x" }, { credentials });
  await client.verifyCredentials();
  return { ...sessionOf(request), [host]: credentials };
}

/** The session without `registry` (or empty, signing out of all when none is named). */
export function signOut(request: Request, registry: string | null): Session {
  return registry ? Object.fromEntries(Object.entries(sessionOf(request)).filter(([name]) => name !== registry)) : {};
}
