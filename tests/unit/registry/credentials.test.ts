import { describe, expect, it } from "vitest";
import { parseDockerConfig } from "@/lib/registry/credentials";

describe("parseDockerConfig", () => {
  it("decodes auth, accepts username/password, and maps Docker Hub's keys to docker.io", () => {
    const config = JSON.stringify({
      auths: {
        "127.0.0.1:5000": { auth: Buffer.from("alice:pa:ss").toString("base64") },
        "https://index.docker.io/v1/": { username: "bob", password: "hub" },
        "GHCR.io": { auth: Buffer.from("carol:tok").toString("base64") },
        "broken.example": { auth: "bm9jb2xvbg==" },
      },
    });
    const creds = parseDockerConfig(config);
    expect(creds.get("127.0.0.1:5000")).toEqual({ username: "alice", password: "pa:ss" });
    expect(creds.get("docker.io")).toEqual({ username: "bob", password: "hub" });
    expect(creds.get("ghcr.io")).toEqual({ username: "carol", password: "tok" });
    expect(creds.has("broken.example")).toBe(false);
  });

  it("takes an identity token over a password, as Docker does (the OAuth2 flow then uses it)", () => {
    const config = JSON.stringify({
      auths: {
        "myregistry.azurecr.io": { auth: Buffer.from("00000000-0000-0000-0000-000000000000:").toString("base64"), identitytoken: "eyJ-refresh" },
        "token-only.example": { identitytoken: "refresh-2" },
      },
    });
    const creds = parseDockerConfig(config);
    expect(creds.get("myregistry.azurecr.io")).toEqual({
      username: "00000000-0000-0000-0000-000000000000",
      password: "",
      identityToken: "eyJ-refresh",
    });
    expect(creds.get("token-only.example")).toEqual({ username: "<token>", password: "", identityToken: "refresh-2" });
  });
});
