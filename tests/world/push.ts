/**
 * A minimal registry push client for test tooling (the app's own client only pulls): blob upload
 * (HEAD to skip, POST + PUT monolithic), manifest PUT, with Bearer or Basic auth as the registry asks.
 */
import type { Blob } from "../support/image-builder";
import { TEST_USER } from "./config";

const basic = `Basic ${Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString("base64")}`;

export class Pusher {
  private authorization: string | null = null;

  constructor(
    readonly registry: string,
    readonly repository: string,
  ) {}

  private async call(method: string, url: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers: Record<string, string> = { ...init.headers };
      if (this.authorization) headers.authorization = this.authorization;
      const response = await fetch(url, { method, headers, body: init.body ? new Uint8Array(init.body) : undefined, redirect: "manual" });
      if (response.status !== 401 || attempt > 0) return response;
      await response.arrayBuffer();
      await this.authenticate(response.headers.get("www-authenticate") ?? "");
    }
    throw new Error("unreachable");
  }

  private async authenticate(challenge: string): Promise<void> {
    if (/^basic/i.test(challenge)) {
      this.authorization = basic;
      return;
    }
    const realm = /realm="([^"]+)"/.exec(challenge)?.[1];
    const service = /service="([^"]+)"/.exec(challenge)?.[1] ?? "";
    if (!realm) throw new Error(`unexpected challenge: ${challenge}`);
    const url = `${realm}?service=${encodeURIComponent(service)}&scope=${encodeURIComponent(`repository:${this.repository}:pull,push`)}`;
    const response = await fetch(url, { headers: { authorization: basic } });
    if (!response.ok) throw new Error(`token server answered ${response.status}`);
    this.authorization = `Bearer ${((await response.json()) as { token: string }).token}`;
  }

  async pushBlob(blob: Blob): Promise<void> {
    const base = `http://${this.registry}/v2/${this.repository}/blobs`;
    const head = await this.call("HEAD", `${base}/${blob.digest}`);
    if (head.status === 200) return;
    const start = await this.call("POST", `${base}/uploads/`);
    if (start.status !== 202) throw new Error(`upload start for ${this.repository}: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get("location") ?? "", `http://${this.registry}`);
    location.searchParams.set("digest", blob.digest);
    const put = await this.call("PUT", location.toString(), { body: blob.bytes, headers: { "content-type": "application/octet-stream" } });
    if (put.status !== 201) throw new Error(`blob PUT ${blob.digest}: ${put.status} ${await put.text()}`);
  }

  async pushManifest(reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const url = `http://${this.registry}/v2/${this.repository}/manifests/${reference}`;
    const response = await this.call("PUT", url, { body: bytes, headers: { "content-type": mediaType } });
    if (response.status !== 201) throw new Error(`manifest PUT ${this.repository}:${reference}: ${response.status} ${await response.text()}`);
  }
}
