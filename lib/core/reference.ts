import { parseDigest } from "@/lib/core/digest";
import { PortholeError } from "@/lib/core/errors";

/**
 * Image references, parsed and normalised as Docker/distribution do (`alpine` is
 * `docker.io/library/alpine:latest`). Browser-safe: the home page validates as you type with the same rules.
 */
export interface Reference {
  /** The registry as the user wrote it (`127.0.0.1:5000`, `ghcr.io`); Docker Hub is `docker.io`. */
  registry: string;
  repository: string;
  /** null when the reference names only a digest. */
  tag: string | null;
  digest: string | null;
}

export const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
const NAME_MAX = 255;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function invalid(message: string): never {
  throw new PortholeError("BAD_REQUEST", message);
}

/** Parses and normalises an image reference; throws BAD_REQUEST with a message naming what is wrong. */
export function parseReference(input: string): Reference {
  const text = input.trim();
  if (!text) invalid("the image reference is empty");
  if (/\s/.test(text)) invalid("image references cannot contain spaces");

  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = parseDigest(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }

  let tag: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/") && !rest.slice(colon).includes("]")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      invalid(tag ? `invalid tag "${tag}": tags are up to 128 letters, digits, _, . and -, not starting with . or -` : "the tag after ':' is empty");
    }
  }
  if (!rest) invalid("the repository name is missing");

  let registry = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf("/");
  const first = slash === -1 ? "" : rest.slice(0, slash);
  if (slash !== -1 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase())) {
    registry = first;
    path = rest.slice(slash + 1);
    if (!DOMAIN.test(registry)) invalid(`invalid registry host "${registry}"`);
  }
  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) {
    registry = DOCKER_HUB;
    if (!path.includes("/")) path = `library/${path}`;
  }

  for (const component of path.split("/")) {
    if (!component) invalid("repository names cannot have empty path components (// or a trailing /)");
    if (component !== component.toLowerCase()) invalid("repository names must be lowercase");
    if (!PATH_COMPONENT.test(component)) {
      invalid(`invalid repository name component "${component}": use lowercase letters, digits and single separators (., _, __, -)`);
    }
  }
  if (registry.length + 1 + path.length > NAME_MAX) invalid(`repository names are at most ${NAME_MAX} characters`);

  if (tag === null && digest === null) tag = "latest";
  return { registry, repository: path, tag, digest };
}

/** A registry host as a user names it to sign in (`ghcr.io`, `127.0.0.1:5000`, `docker.io`), normalised as in references. */
export function parseRegistryHost(text: string): string {
  if (!/[.:]/.test(text) && text !== "localhost") invalid("registry must be a host, like ghcr.io or 127.0.0.1:5000");
  return parseReference(`${text}/x`).registry;
}

/** A repository, named as in references but without a tag or digest (`ghcr.io/org/app`, `alpine`). */
export interface Repository {
  registry: string;
  repository: string;
}

/** Parses a repository name; a tag or digest in it is a BAD_REQUEST (a repository is not an image). */
export function parseRepository(input: string): Repository {
  const text = input.trim();
  const last = text.slice(text.lastIndexOf("/") + 1);
  if (text.includes("@") || last.includes(":")) invalid("name a repository without a tag or digest");
  const { registry, repository } = parseReference(text);
  return { registry, repository };
}

/** `registry/repository[:tag][@digest]`: the normalised form of a reference. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** A reference names fixed bytes when it carries a digest: what it answers never changes. */
export function isPinned(ref: Reference): boolean {
  return ref.digest !== null;
}
