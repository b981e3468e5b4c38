/**
 * Listing a repository's tags: the registry's pagination followed to the end (a fake registry pages
 * by `n` and `last` with `Link` headers, as distribution does), a cap, natural order, and the
 * errors a user can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideSettings } from "@/lib/config";
import { naturalCompare } from "@/lib/core/natural-order";
import { parseRepository } from "@/lib/core/reference";
import { RegistryClient } from "@/lib/registry/client";
import { nextPage } from "@/lib/registry/pagination";
import { listTags } from "@/lib/registry/tags";
import { repositoryTags } from "@/lib/service/tags";
import { fakeRegistry, status, type Answer, type FakeRegistry } from "@/tests/support/fake-registry";

let registry: FakeRegistry;
const ALL = Array.from({ length: 250 }, (_, i) => `t${String(i).padStart(3, "0")}`);

/** distribution's paging: `n` tags after `last`, and a Link to the next page while there are more. */
const paged =
  (tags: string[], link = (last: string, n: number) => `</v2/app/tags/list?last=${last}&n=${n}>; rel="next"`): Answer =>
  ({ request, response }) => {
    const query = new URL(request.url ?? "", "http://x").searchParams;
    const n = Number(query.get("n") ?? tags.length);
    const after = query.get("last");
    const start = after ? tags.indexOf(after) + 1 : 0;
    const page = tags.slice(start, start + n);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (start + n < tags.length) headers.link = link(page.at(-1) as string, n);
    response.writeHead(200, headers).end(JSON.stringify({ name: "app", tags: page }));
  };

beforeAll(async () => {
  registry = await fakeRegistry();
  overrideSettings({ allowPrivateHosts: "all" });
});
afterAll(() => registry.close());

const client = () => RegistryClient.for({ registry: registry.host, repository: "app" });

describe("listing tags", () => {
  it("follows Link pages to the end", async () => {
    registry.on("/v2/app/tags/list", paged(ALL));
    registry.requests.length = 0;
    const { tags, truncated } = await listTags(await client(), { pageSize: 100, max: 10_000 });
    expect(tags).toEqual(ALL);
    expect(truncated).toBe(false);
    expect(registry.count("/v2/app/tags/list")).toBe(3);
  });

  it("stops at the cap and says the list is truncated", async () => {
    registry.on("/v2/app/tags/list", paged(ALL));
    const { tags, truncated } = await listTags(await client(), { pageSize: 100, max: 120 });
    expect(tags).toEqual(ALL.slice(0, 120));
    expect(truncated).toBe(true);
  });

  it("never follows a Link to another repository, and stops on a page that repeats itself", async () => {
    registry.on(
      "/v2/app/tags/list",
      paged(ALL, () => `</v2/other/tags/list?last=x>; rel="next"`),
    );
    expect((await listTags(await client(), { pageSize: 100, max: 10_000 })).tags).toHaveLength(100);
    registry.on(
      "/v2/app/tags/list",
      paged(ALL, () => `</v2/app/tags/list?n=100>; rel="next"`),
    );
    registry.requests.length = 0;
    expect((await listTags(await client(), { pageSize: 100, max: 10_000 })).tags).toHaveLength(100);
    expect(registry.count("/v2/app/tags/list")).toBe(1);
  });

  it("reads `tags: null` (every tag deleted) as none", async () => {
    registry.on("/v2/app/tags/list", ({ response }) => void response.writeHead(200).end('{"name":"app","tags":null}'));
    expect(await listTags(await client(), { pageSize: 100, max: 10 })).toEqual({ tags: [], truncated: false });
  });

  it("answers an unknown repository with NOT_FOUND", async () => {
    registry.on("/v2/app/tags/list", status(404, {}, JSON.stringify({ errors: [{ code: "NAME_UNKNOWN", message: "repository name not known" }] })));
    await expect(repositoryTags({ registry: registry.host, repository: "app" }, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("sorts versions as people read them", async () => {
    const tags = ["v1.10", "v1.9", "latest", "v1.9.1", "10", "9", "v2.0-rc10", "v2.0-rc9", "v01.2"];
    registry.on("/v2/app/tags/list", paged(tags));
    const answer = await repositoryTags({ registry: registry.host, repository: "app" }, {});
    expect(answer).toEqual({
      repository: `${registry.host}/app`,
      tags: ["9", "10", "latest", "v01.2", "v1.9", "v1.9.1", "v1.10", "v2.0-rc9", "v2.0-rc10"],
      truncated: false,
    });
  });
});

describe("the pieces", () => {
  it("natural order compares digit runs as numbers, however long", () => {
    expect(["a10", "a9", "a1000000000000000000001", "a2"].sort(naturalCompare)).toEqual(["a2", "a9", "a10", "a1000000000000000000001"]);
    expect(naturalCompare("v1.0", "v1.0")).toBe(0);
  });

  it("a Link's next page is a path relative to the repository, or nothing", () => {
    expect(nextPage('</v2/a/b/tags/list?last=x&n=5>; rel="next"', "a/b", "tags/list")).toBe("tags/list?last=x&n=5");
    expect(nextPage("<https://evil.example/v2/a/b/tags/list?last=x>; rel=next", "a/b", "tags/list")).toBe("tags/list?last=x");
    expect(nextPage('</v2/a/b/tags/list?last=x>; rel="prev"', "a/b", "tags/list")).toBeNull();
    expect(nextPage(null, "a/b", "tags/list")).toBeNull();
  });

  it("a repository is named without a tag or digest", () => {
    expect(parseRepository("alpine")).toEqual({ registry: "docker.io", repository: "library/alpine" });
    expect(parseRepository("127.0.0.1:5000/team/app")).toEqual({ registry: "127.0.0.1:5000", repository: "team/app" });
    expect(() => parseRepository("alpine:3.19")).toThrow(/without a tag/);
    expect(() => parseRepository(`alpine@sha256:${"a".repeat(64)}`)).toThrow(/without a tag/);
  });
});
