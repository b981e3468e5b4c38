import "server-only";
import type { Platform } from "@/lib/core/api-types";
import { parseReference } from "@/lib/core/reference";
import type { Credentials } from "@/lib/registry/credentials";
import { archiveSource, type ArchiveTransport } from "@/lib/service/archive";
import { registryImage, type ImageSource } from "@/lib/service/layer-source";

const TRANSPORTS: readonly ArchiveTransport[] = ["docker-archive", "oci-archive", "oci"];

/** `docker-archive:PATH[:NAME]`, `oci-archive:PATH[:NAME]`, `oci:DIR[:NAME]` (skopeo's forms), or null for a registry reference. */
export function parseArchiveSpec(spec: string): { transport: ArchiveTransport; path: string; name: string | null } | null {
  const colon = spec.indexOf(":");
  const transport = TRANSPORTS.find((name) => name === spec.slice(0, colon));
  if (!transport) return null;
  // As skopeo: the path ends at the next colon, and what follows names the image.
  const [path = "", name] = spec.slice(colon + 1).split(/:(.*)/s);
  return { transport, path, name: name || null };
}

/** Looks up the credentials for a registry (Docker's config and helpers). */
export type CredentialLookup = (registry: string) => Promise<Credentials | null>;

/** An image named on the command line: from an archive, or resolved from its registry with the user's credentials. */
export async function openImage(spec: string, platform: Platform | null, credentialsFor: CredentialLookup): Promise<ImageSource> {
  const archive = parseArchiveSpec(spec);
  if (archive) return archiveSource(archive.transport, archive.path, archive.name, platform);
  const ref = parseReference(spec);
  const auth = { credentials: await credentialsFor(ref.registry) };
  return registryImage({ ref, platform, auth });
}
