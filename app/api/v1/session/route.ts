import { handle } from "@/lib/http/respond";
import { sessionCookie, sessionOf, type Session } from "@/lib/session/session";
import { signIn, signOut } from "@/lib/session/sign-in";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { PUT, PATCH } = otherMethods("GET", "POST", "DELETE");
serveDirectly("/api/v1/session", GET);

/** The registries a session is signed in to (never the secrets), with the cookie that holds it when it changed. */
function sessionAnswer(session: Session, request: Request, changed: boolean): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (changed) headers["Set-Cookie"] = sessionCookie(session, request);
  return Response.json({ registries: Object.keys(session) }, { headers });
}

export function GET(request: Request) {
  return handle(request, async () => sessionAnswer(sessionOf(request), request, false));
}

/** Signs in to a registry: `{registry, username, password}`, checked against the registry first. */
export function POST(request: Request) {
  return handle(request, async () => sessionAnswer(await signIn(request), request, true));
}

/** Signs out of one registry (`?registry=`), or of all. */
export function DELETE(request: Request) {
  return handle(request, async (query) => sessionAnswer(signOut(request, query.get("registry")), request, true));
}
