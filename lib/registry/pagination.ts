import "server-only";

/**
 * The next page of a paginated registry listing (tags, referrers), from its
 * `Link: </v2/<repo>/<endpoint>?…>; rel="next"` header: as a path relative to the repository (as
 * RegistryClient.request takes it), or null when there is none, or when it points anywhere but the
 * same listing of the same repository (a hostile registry cannot steer us elsewhere).
 */
export function nextPage(link: string | null, repository: string, endpoint: string): string | null {
  const target = link?.split(",").find((part) => /;\s*rel="?next"?/.test(part));
  const url = target ? /<([^>]*)>/.exec(target)?.[1] : undefined;
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url, "http://registry.invalid");
  } catch {
    return null;
  }
  return parsed.pathname === `/v2/${repository}/${endpoint}` ? `${endpoint}${parsed.search}` : null;
}
