import { describe, expect, it } from "vitest";
import { formatReference, parseReference } from "@/lib/core/reference";
import { apiHost } from "@/lib/registry/hosts";
import { PortholeError } from "@/lib/core/errors";

const SHA256 = `sha256:${"a".repeat(64)}`;
const SHA512 = `sha512:${"b".repeat(128)}`;

describe("parseReference normalises valid references", () => {
  const valid: [input: string, normalised: string, registry: string, repository: string, tag: string | null][] = [
    ["alpine", "docker.io/library/alpine:latest", "docker.io", "library/alpine", "latest"],
    ["alpine:3.19", "docker.io/library/alpine:3.19", "docker.io", "library/alpine", "3.19"],
    ["library/alpine", "docker.io/library/alpine:latest", "docker.io", "library/alpine", "latest"],
    ["grafana/grafana:10.0.0", "docker.io/grafana/grafana:10.0.0", "docker.io", "grafana/grafana", "10.0.0"],
    ["docker.io/alpine", "docker.io/library/alpine:latest", "docker.io", "library/alpine", "latest"],
    ["index.docker.io/library/alpine", "docker.io/library/alpine:latest", "docker.io", "library/alpine", "latest"],
    ["registry-1.docker.io/nginx", "docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest"],
    ["gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian12:latest", "gcr.io", "distroless/static-debian12", "latest"],
    ["ghcr.io/a/b/c/d:v1.2", "ghcr.io/a/b/c/d:v1.2", "ghcr.io", "a/b/c/d", "v1.2"],
    ["localhost/app", "localhost/app:latest", "localhost", "app", "latest"],
    ["localhost:5000/app:dev", "localhost:5000/app:dev", "localhost:5000", "app", "dev"],
    ["127.0.0.1:5000/ns/app", "127.0.0.1:5000/ns/app:latest", "127.0.0.1:5000", "ns/app", "latest"],
    ["[::1]:5000/app:v1", "[::1]:5000/app:v1", "[::1]:5000", "app", "v1"],
    ["[2001:db8::1]/app", "[2001:db8::1]/app:latest", "[2001:db8::1]", "app", "latest"],
    ["Registry.Example.com/app", "Registry.Example.com/app:latest", "Registry.Example.com", "app", "latest"],
    [
      "my-registry.io:443/a_b/c__d/e-f/g--h/i.j",
      "my-registry.io:443/a_b/c__d/e-f/g--h/i.j:latest",
      "my-registry.io:443",
      "a_b/c__d/e-f/g--h/i.j",
      "latest",
    ],
    ["app:_underscore", "docker.io/library/app:_underscore", "docker.io", "library/app", "_underscore"],
    [`app:${"t".repeat(128)}`, `docker.io/library/app:${"t".repeat(128)}`, "docker.io", "library/app", "t".repeat(128)],
    [`app@${SHA256}`, `docker.io/library/app@${SHA256}`, "docker.io", "library/app", null],
    [`app:1.0@${SHA256}`, `docker.io/library/app:1.0@${SHA256}`, "docker.io", "library/app", "1.0"],
    [`localhost:5000/app@${SHA512}`, `localhost:5000/app@${SHA512}`, "localhost:5000", "app", null],
    // Without a slash, "host:port" is a repository and a tag, as in `docker pull`.
    ["example.com:5000", "docker.io/library/example.com:5000", "docker.io", "library/example.com", "5000"],
    ["  alpine:3.19  ", "docker.io/library/alpine:3.19", "docker.io", "library/alpine", "3.19"],
  ];
  it.each(valid)("%s → %s", (input, normalised, registry, repository, tag) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(normalised);
    expect(ref.registry).toBe(registry);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
  });

  it("keeps the digest when both tag and digest are given (the digest wins when pulling)", () => {
    expect(parseReference(`app:1.0@${SHA256}`).digest).toBe(SHA256);
  });

  it("talks to registry-1.docker.io for Docker Hub and to the written host elsewhere", () => {
    expect(apiHost(parseReference("alpine").registry)).toBe("registry-1.docker.io");
    expect(apiHost(parseReference("127.0.0.1:5000/a").registry)).toBe("127.0.0.1:5000");
  });
});

describe("parseReference rejects invalid references, naming the fault", () => {
  const invalid: [input: string, message: RegExp][] = [
    ["", /empty/],
    ["   ", /empty/],
    ["Alpine", /must be lowercase/],
    ["docker.io/Library/alpine", /must be lowercase/],
    ["alpine:", /tag after ':' is empty/],
    ["alpine:-bad", /invalid tag/],
    ["alpine:.bad", /invalid tag/],
    [`alpine:${"t".repeat(129)}`, /invalid tag/],
    ["alpine:a/b", /invalid registry host "alpine:a"/],
    ["alpine@sha256:abc", /64 hex characters/],
    [`alpine@sha256:${"A".repeat(64)}`, /lowercase hex/],
    [`alpine@sha512:${"a".repeat(64)}`, /128 hex characters/],
    [`alpine@md5:${"a".repeat(32)}`, /unsupported digest algorithm/],
    ["alpine@", /not a digest/],
    ["a//b", /empty path components/],
    ["a/b/", /empty path components/],
    ["/a", /empty path components|repository/],
    ["example.com/", /empty path components/],
    ["a__-b", /invalid repository name component/],
    ["a..b", /invalid repository name component/],
    ["_a", /invalid repository name component/],
    ["a-", /invalid repository name component/],
    ["-host.io/a", /invalid registry host/],
    ["has space/app", /spaces/],
    [`${"a".repeat(256)}`, /at most 255/],
    ["exa mple.com/app", /spaces/],
  ];
  it.each(invalid)("%j", (input, message) => {
    let thrown: unknown;
    try {
      parseReference(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PortholeError);
    expect((thrown as PortholeError).status).toBe(400);
    expect((thrown as PortholeError).message).toMatch(message);
  });
});
