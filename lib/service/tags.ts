import "server-only";
import type { TagsResponse } from "@/lib/core/api-types";
import { naturalCompare } from "@/lib/core/natural-order";
import type { Repository } from "@/lib/core/reference";
import type { AuthOptions } from "@/lib/registry/auth";
import { RegistryClient } from "@/lib/registry/client";
import { listTags } from "@/lib/registry/tags";

/** How many tags a listing keeps; a repository with more is answered `truncated`. */
export const MAX_TAGS = 10_000;
const PAGE_SIZE = 1000;

/** A repository's tags as the requester may see them, in natural order. Unknown repository: NOT_FOUND. */
export async function repositoryTags(repository: Repository, auth: AuthOptions): Promise<TagsResponse> {
  const client = await RegistryClient.for(repository, auth);
  const { tags, truncated } = await listTags(client, { pageSize: PAGE_SIZE, max: MAX_TAGS });
  return { repository: `${repository.registry}/${repository.repository}`, tags: tags.sort(naturalCompare), truncated };
}
