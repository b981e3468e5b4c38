import { NextResponse, type NextRequest } from "next/server";
import { settings } from "@/lib/config";
import { PATHNAME_HEADER } from "@/lib/core/urls";

/**
 * Security headers for every page: a per-request nonce CSP (Next.js streams inline bootstrap scripts,
 * so a static `script-src 'self'` would break hydration and 'unsafe-inline' would defeat the point).
 * Attacker-written text (labels, commands, file names) is rendered by React as text; this is the
 * second wall behind that. API responses set their own headers.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const dev = settings().development;
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Style attributes come from React (virtualized rows); styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  // The path exactly as requested (still percent-encoded): route params arrive re-encoded in ways
  // that lose the difference between a `%` in a name and an escape, so pages parse this instead.
  requestHeaders.set(PATHNAME_HEADER, request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("X-Content-Type-Options", "nosniff");
  return response;
}

export const config = {
  // Pages only: API routes (file bytes above all) carry their own stricter headers.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico).*)" }],
};
