"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import useSWR from "swr";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { PageHeader } from "@/components/PageHeader";
import { getJson, tagsApiUrl } from "@/lib/client/api";
import { formatCount } from "@/lib/core/format";
import type { TagsResponse } from "@/lib/core/api-types";
import { imageUrl } from "@/lib/core/urls";

/** More tags than this are not drawn: the filter narrows them down. */
const MAX_ROWS = 1000;

/** Keeps the filter in the URL (`?filter=`) without a navigation, so a filtered list is a link too. */
function keepFilter(filter: string): void {
  const url = new URL(window.location.href);
  if (filter) url.searchParams.set("filter", filter);
  else url.searchParams.delete("filter");
  history.replaceState(null, "", url);
}

/** A repository's page: its tags in natural order, filterable, each a link to its image. */
export function RepositoryTags({ repository, initialFilter }: { repository: string; initialFilter: string }) {
  const { data, error } = useSWR<TagsResponse>(tagsApiUrl(repository), getJson, { revalidateOnFocus: false });
  const [filter, setFilter] = useState(initialFilter);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (data?.tags ?? []).filter((tag) => tag.toLowerCase().includes(needle));
  }, [data, filter]);
  return (
    <div className="min-h-screen">
      <PageHeader
        title={
          <h1 className="break-all font-mono text-lg font-semibold" data-testid="repository">
            {repository}
          </h1>
        }
      >
        {data && (
          <p className="mt-1 text-sm text-zinc-500" data-testid="tag-count">
            {formatCount(data.tags.length)} tags{data.truncated ? " (the first listed: the repository has more)" : ""}
          </p>
        )}
      </PageHeader>
      <main className="max-w-3xl space-y-3 p-6">
        {error !== undefined && <ErrorPanel error={error} />}
        {error === undefined && !data && <Skeleton label="Loading tags" lines={8} />}
        {data && (
          <>
            <input
              type="search"
              aria-label="Filter tags"
              placeholder="Filter tags"
              value={filter}
              onChange={(event) => {
                setFilter(event.target.value);
                keepFilter(event.target.value);
              }}
              className="w-full rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            />
            <ul aria-label="Tags" className="columns-2 gap-6 font-mono text-sm md:columns-3">
              {shown.slice(0, MAX_ROWS).map((tag) => (
                <li key={tag}>
                  <Link
                    href={imageUrl({ ref: `${repository}:${tag}`, platform: null, view: { kind: "fs", path: "/", upTo: null } })}
                    className="break-all text-sky-600 hover:underline"
                  >
                    {tag}
                  </Link>
                </li>
              ))}
            </ul>
            {shown.length === 0 && <p className="text-sm text-zinc-500">No tag matches.</p>}
            {shown.length > MAX_ROWS && (
              <p className="text-sm text-zinc-500">
                Showing {MAX_ROWS} of {formatCount(shown.length)}: filter to narrow them down.
              </p>
            )}
          </>
        )}
      </main>
    </div>
  );
}
