import type { Platform } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";

/** Platforms written as `os/architecture[/variant]` (`linux/arm64/v8`), as docker's --platform takes them. Browser-safe. */

/** `os/arch[/variant]` → Platform; BAD_REQUEST when malformed. */
export function parsePlatform(text: string): Platform {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-zA-Z0-9._-]+$/.test(p))) {
    throw new PortholeError("BAD_REQUEST", `invalid platform "${text}": expected os/architecture[/variant], e.g. linux/arm64`);
  }
  const [os = "", architecture = "", variant] = parts;
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
}
