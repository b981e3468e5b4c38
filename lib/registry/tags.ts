import "server-only";
import { PortholeError } from "@/lib/core/errors";
import type { RegistryClient } from "@/lib/registry/client";
import { readCapped } from "@/lib/registry/http";
import { nextPage } from "@/lib/registry/pagination";
import { header } from "@/lib/registry/upstream-errors";

/** A page of tags is small JSON; more than this is hostile or broken. */
const PAGE_LIMIT = 4 * 1024 * 1024;

async function tagsPage(client: RegistryClient, path: string): Promise<{ tags: string[]; next: string | null }> {
  const response = await client.request(path);
  const next = nextPage(header(response, "link"), client.repository, "tags/list");
  const bytes = await readCapped(response, PAGE_LIMIT, "tag list");
  let body: { tags?: unknown };
  try {
    body = JSON.parse(bytes.toString("utf8")) as { tags?: unknown };
  } catch {
    throw new PortholeError("UPSTREAM_INVALID", "the registry's tag list is not valid JSON");
  }
  // distribution answers `"tags": null` for a repository whose tags were all deleted.
  const tags = Array.isArray(body?.tags) ? body.tags.filter((tag): tag is string => typeof tag === "string") : [];
  return { tags, next };
}

/**
 * Every tag of the client's repository, following the registry's pagination (`n`, then each page's
 * `Link`) to the end or until `max` tags; a page that repeats itself ends the walk.
 */
export async function listTags(client: RegistryClient, options: { pageSize: number; max: number }): Promise<{ tags: string[]; truncated: boolean }> {
  const tags = new Set<string>();
  const visited = new Set<string>();
  for (let path: string | null = `tags/list?n=${options.pageSize}`; path && !visited.has(path);) {
    visited.add(path);
    const page = await tagsPage(client, path);
    for (const tag of page.tags) {
      if (tags.size >= options.max) return { tags: [...tags], truncated: true };
      tags.add(tag);
    }
    path = page.tags.length > 0 ? page.next : null;
  }
  return { tags: [...tags], truncated: false };
}
