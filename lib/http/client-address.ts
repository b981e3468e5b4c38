import "server-only";
import type { IncomingMessage } from "node:http";

/** The request header the front door sets to the client's address (any value a client sends is replaced). */
export const CLIENT_HEADER = "x-porthole-client";

/**
 * Who is asking: the socket's peer, or — behind `trustedProxies` proxies that each append to
 * X-Forwarded-For — the entry that many places from the end, the first one no trusted proxy wrote.
 * With no proxies trusted the header is ignored: anyone can send one.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  const peer = request.socket.remoteAddress ?? "unknown";
  if (trustedProxies === 0) return peer;
  const header = request.headers["x-forwarded-for"];
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[entries.length - trustedProxies] ?? entries[0] ?? peer;
}
