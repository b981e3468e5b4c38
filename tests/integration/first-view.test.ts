/**
 * A shared link arrives rendered: the server renders an image page's first view (header, the tree
 * down to the link, the linked file's text) into its HTML, from the registry ImageView, with the
 * requester's own credentials, and never anything that runs.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { compareUrl, imageUrl, type View } from "@/lib/core/urls";
import { APP_URL, OPEN_REGISTRY, TEST_USER, TOKEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";

const fixtures = inject("fixtures");

const pageOf = (ref: string, view: View, cookie = "") => fetch(`${APP_URL}${imageUrl({ ref, platform: null, view })}`, { headers: { cookie } });
const merged = (path: string): View => ({ kind: "fs", path, upTo: null });

/** The API read of the image and the file first, so the page's first view is ready well within its wait. */
async function warm(ref: string, path: string, cookie = ""): Promise<void> {
  const api = (endpoint: string) =>
    fetch(`${APP_URL}/api/v1/${endpoint}?ref=${encodeURIComponent(ref)}&path=${encodeURIComponent(path)}`, { headers: { cookie } });
  expect((await api("fs")).status).toBe(200);
  expect((await api("file")).status).toBe(200);
}

async function signIn(registry: string): Promise<string> {
  const response = await fetch(`${APP_URL}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registry, username: TEST_USER.username, password: TEST_USER.password }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("a shared link to a file", () => {
  beforeAll(() => Promise.all([warm(fixtures.fs.ref, "/docs/readme.txt"), warm(fixtures.fs.ref, "/web/index.html")]));

  it("carries the file's text, the top of the tree and the way down to the file in its HTML", async () => {
    const response = await pageOf(fixtures.fs.ref, merged("/docs/readme.txt"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Porthole fixture");
    expect(html).toContain("third line");
    // The top level of the tree, as rows linking to their paths.
    for (const row of ["/etc", "/docs", "/web", "/docs/readme.txt"]) expect(html).toContain(`data-path="${row}"`);
    // A directory shows what is below it although its contents are not in the page yet.
    expect(html).toMatch(/data-path="\/etc"(?:(?!role="treeitem")[^])*?>[1-9]\d* B</);
  });

  it("keeps hostile text inert: a file's markup is text in the page, never markup", async () => {
    const html = await (await pageOf(fixtures.fs.ref, merged("/web/index.html"))).text();
    expect(html).toContain("document.title=");
    expect(html).not.toContain("<script>document.title='pwned'</script>");
    expect(html).not.toMatch(/<script>document\.title/);
  });

  it("carries a layer's version of a file in a layer link", async () => {
    const { ref, images } = fixtures.multi;
    const digest = images[0]?.layers[1]?.digest as string;
    await warm(ref, "/app/main.txt");
    const html = await (await pageOf(ref, { kind: "layer", digest, path: "/app/main.txt" })).text();
    expect(html).toContain("line 3");
  });

  it("carries a file of the layers up to one, in a link to that view", async () => {
    const { ref } = fixtures.multi;
    await warm(ref, "/app/main.txt");
    const html = await (await pageOf(ref, { kind: "fs", path: "/app/main.txt", upTo: 1 })).text();
    expect(html).toContain("line 3");
    // Layer 2's file is not in layers 0..1.
    expect(html).toContain('data-path="/app/main.txt"');
    expect(html).not.toContain('data-path="/app/config.json"');
  });

  it("leaves what is not text to the viewer, and still renders the page", async () => {
    await warm(fixtures.multi.ref, "/bin/sh");
    const response = await pageOf(fixtures.multi.ref, merged("/bin/sh"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-path="/bin/sh"');
    expect(html).toContain('aria-label="Loading file"');
  });
});

describe("a page that would wait", () => {
  it("is sent at once for an image never read before, and rendered once its layers were listed", async () => {
    const { ref } = await pushSingle(OPEN_REGISTRY, "first-view/cold", "v1", {
      format: "oci",
      layers: [{ entries: [{ name: "cold.txt", content: "read for the first time\n" }] }],
    });
    expect(await (await pageOf(ref, merged("/cold.txt"))).text()).not.toContain("read for the first time");
    await warm(ref, "/cold.txt");
    expect(await (await pageOf(ref, merged("/cold.txt"))).text()).toContain("read for the first time");
  });

  it("carries no first view on a navigation inside the app (its page has the data already)", async () => {
    const url = `${APP_URL}${imageUrl({ ref: fixtures.fs.ref, platform: null, view: merged("/docs/readme.txt") })}`;
    const navigation = await fetch(url, { headers: { rsc: "1" } });
    expect(navigation.headers.get("content-type")).toMatch(/text\/x-component/);
    expect(await navigation.text()).not.toContain("Porthole fixture");
  });
});

describe("a shared link to a private image", () => {
  const { ref } = fixtures.tokenPrivate;
  const secretText = "hello from a registry with auth";

  it("is rendered only with the requester's own credentials, and then kept by no cache", async () => {
    const anonymous = await (await pageOf(ref, merged("/hello.txt"))).text();
    expect(anonymous).not.toContain(secretText);

    const cookie = await signIn(TOKEN_REGISTRY);
    await warm(ref, "/hello.txt", cookie);
    const response = await pageOf(ref, merged("/hello.txt"), cookie);
    expect(await response.text()).toContain(secretText);
    expect(response.headers.get("cache-control")).toMatch(/private/);
    expect(response.headers.get("cache-control")).toMatch(/no-store/);

    // The same link, asked again without the cookie, shows nothing of it.
    expect(await (await pageOf(ref, merged("/hello.txt"))).text()).not.toContain(secretText);
  });
});

describe("a shared link to a comparison", () => {
  it("carries both sides and every changed path in its HTML", async () => {
    const { compareA, compareB } = fixtures;
    const location = { a: compareA.ref, b: compareB.ref, platformA: null, platformB: null, path: "/" };
    // The API's comparison first: the page's own is then ready well within its wait.
    const api = await fetch(`${APP_URL}/api/v1/diff?a=${encodeURIComponent(compareA.ref)}&b=${encodeURIComponent(compareB.ref)}`);
    expect(api.status).toBe(200);
    const html = await (await fetch(`${APP_URL}${compareUrl(location)}`)).text();
    expect(html).toContain(compareA.ref);
    expect(html).toContain(compareB.ref);
    for (const changed of ["/only-a.txt", "/only-b.txt", "/etc"]) expect(html).toContain(`data-path="${changed}"`);
    expect(html).not.toContain('aria-label="Comparing the images');
  });
});
