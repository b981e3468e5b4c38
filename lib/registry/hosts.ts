import "server-only";
import { lookup } from "node:dns";
import type { LookupFunction } from "node:net";
import { settings } from "@/lib/config";
import { PortholeError } from "@/lib/core/errors";
import { DOCKER_HUB } from "@/lib/core/reference";
import { classifyAddress, parseIpLiteral } from "@/lib/registry/address";

/** Splits `host:port` / `[v6]:port` into its parts (port may be absent). */
export function splitHostPort(hostPort: string): { host: string; port: string | null } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  return { host: match?.[1] ?? hostPort, port: match?.[2] ?? null };
}

/** The host (and port) to speak the registry API to: Docker Hub's API does not live at docker.io. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}

/** Plain HTTP is spoken only to loopback and to registries the operator listed as insecure. */
export function usesPlainHttp(hostPort: string): boolean {
  const { host } = splitHostPort(hostPort.toLowerCase());
  return host === "localhost" || classifyAddress(host) === "loopback" || settings().insecureRegistries.includes(hostPort.toLowerCase());
}

function privateHostsAllowed(hostPort: string): boolean {
  const allowed = settings().allowPrivateHosts;
  return allowed === "all" || allowed.includes(hostPort.toLowerCase());
}

/** Throws HOST_NOT_ALLOWED unless `address` is public or the operator allowed `hostPort`. */
export function checkAddress(hostPort: string, address: string): void {
  const kind = classifyAddress(address);
  if (kind === "public" || privateHostsAllowed(hostPort)) return;
  const { host } = splitHostPort(hostPort);
  const what = address === host ? `${hostPort} is a ${kind} address` : `${hostPort} resolves to ${address}, a ${kind} address`;
  throw new PortholeError(
    "HOST_NOT_ALLOWED",
    `${what}, which this server does not connect to. ` +
      `An operator can allow it with PORTHOLE_ALLOW_PRIVATE_HOSTS=1 or PORTHOLE_ALLOW_PRIVATE_HOSTS=${hostPort}.`,
  );
}

/**
 * Where to connect for `hostPort`: IP literals (any spelling) are checked and returned canonical;
 * names are resolved by `guardedLookup` at connect time, so the address checked is the one used.
 */
export function connectHost(hostPort: string): string {
  const { host } = splitHostPort(hostPort);
  const literal = parseIpLiteral(host);
  if (!literal) return host;
  checkAddress(hostPort, literal.address);
  return literal.address;
}

/** A DNS lookup for node:http that refuses (and never connects to) addresses the gate forbids. */
export function guardedLookup(hostPort: string): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      try {
        if (addresses.length === 0) throw new PortholeError("UPSTREAM_UNAVAILABLE", `${hostname} has no addresses`);
        for (const { address } of addresses) checkAddress(hostPort, address);
      } catch (gateError) {
        return callback(gateError as NodeJS.ErrnoException, "", 4);
      }
      if (options.all) return callback(null, addresses as never);
      const [first] = addresses;
      callback(null, first!.address, first!.family);
    });
  };
}
