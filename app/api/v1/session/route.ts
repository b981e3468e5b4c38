import { PortholeError } from "@/lib/core/errors";
import { handle } from "@/lib/http/respond";
import { parseReference } from "@/lib/core/reference";
import { RegistryClient } from "@/lib/registry/transport";
import { sessionCookie, sessionOf } from "@/lib/session/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

/** The registries this browser session is signed in to (never the secrets). */
export function GET(request: Request) {
  return handle(request, async () => Response.json({ registries: Object.keys(sessionOf(request)) }, { headers: noStore }));
}

/** Signs in to a registry: `{registry, username, password}`, checked against the registry first. */
export function POST(request: Request) {
  return handle(request, async () => {
    const body = (await request.json().catch(() => null)) as { registry?: unknown; username?: unknown; password?: unknown } | null;
    const { registry, username, password } = body ?? {};
    if (typeof registry !== "string" || typeof username !== "string" || typeof password !== "string" || !username) {
      throw new PortholeError("BAD_REQUEST", "send JSON {registry, username, password}");
    }
    if (!/[.:]/.test(registry) && registry !== "localhost") throw new PortholeError("BAD_REQUEST", "registry must be a host, like ghcr.io or 127.0.0.1:5000");
    const { registry: normalised } = parseReference(`${registry}/x`);
    const credentials = { username, password };
    const client = await RegistryClient.for({ registry: normalised, repository: "x" }, { credentials });
    await client.verifyCredentials();
    const session = { ...sessionOf(request), [normalised]: credentials };
    return Response.json({ registries: Object.keys(session) }, { headers: { ...noStore, "Set-Cookie": sessionCookie(session, request) } });
  });
}

/** Signs out of one registry (`?registry=`), or of all. */
export function DELETE(request: Request) {
  return handle(request, async () => {
    const registry = new URL(request.url).searchParams.get("registry");
    const session = registry ? Object.fromEntries(Object.entries(sessionOf(request)).filter(([name]) => name !== registry)) : {};
    return Response.json({ registries: Object.keys(session) }, { headers: { ...noStore, "Set-Cookie": sessionCookie(session, request) } });
  });
}
