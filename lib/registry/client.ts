import "server-only";
import { createHash } from "node:crypto";
import { SharedFlight } from "@/lib/cache/shared-flight";
import { RegistryAuth, type AuthOptions } from "@/lib/registry/auth";
import { serverCredentials, type Credentials } from "@/lib/registry/credentials";
import { apiHost, usesPlainHttp } from "@/lib/registry/hosts";
import { asUpstreamError, discard, type UpstreamResponse } from "@/lib/registry/http";
import { followRedirects } from "@/lib/registry/redirects";
import { header, LONGEST_RETRY_WAIT_S, retryAfterSeconds, upstreamFailure } from "@/lib/registry/upstream-errors";

const MAX_ATTEMPTS = 4;
const sharedHeads = new SharedFlight<UpstreamResponse>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => 200 * 2 ** (attempt - 1) + Math.random() * 100;

/**
 * Speaks the distribution API for one repository: scheme choice, authentication (auth.ts), redirects
 * (redirects.ts), and retries for transient failures: network errors, 408, 429 and 5xx, honouring a
 * short Retry-After. Resolves only with a 2xx; everything else becomes a PortholeError.
 */
export class RegistryClient {
  private readonly base: string;
  private readonly auth: RegistryAuth;
  private readonly target: { registry: string; repository: string; withCredentials: boolean };

  /** Who asks what: the registry, repository and credentials (hashed), for sharing answers between the same askers only. */
  private readonly identity: string;

  private constructor(
    registry: string,
    readonly repository: string,
    credentials: Credentials | null,
  ) {
    this.identity = createHash("sha256")
      .update(JSON.stringify([registry, repository, credentials]))
      .digest("hex");
    const host = apiHost(registry);
    this.base = `${usesPlainHttp(host) ? "http" : "https"}://${host}`;
    this.auth = new RegistryAuth(registry, repository, this.base, credentials);
    this.target = { registry, repository, withCredentials: credentials !== null };
  }

  static async for(target: { registry: string; repository: string }, auth: AuthOptions = {}): Promise<RegistryClient> {
    const credentials = auth.credentials !== undefined ? auth.credentials : await serverCredentials(target.registry);
    return new RegistryClient(target.registry, target.repository, credentials);
  }

  /**
   * GET (or HEAD) `/v2/<repository>/<path>`; `range` asks for part of a blob (`bytes=A-B`). A HEAD
   * asked for again, with the same credentials, while one is under way shares its answer: access is
   * still proven by an answer the registry gave during the call.
   */
  request(path: string, options: { accept?: string; method?: "GET" | "HEAD"; range?: string } = {}): Promise<UpstreamResponse> {
    if (options.method !== "HEAD") return this.send(path, options);
    return sharedHeads.run(`${this.identity}\n${path}\n${options.accept ?? ""}`, () => this.send(path, options));
  }

  private async send(path: string, options: { accept?: string; method?: "GET" | "HEAD"; range?: string }): Promise<UpstreamResponse> {
    const url = new URL(`${this.base}/v2/${this.repository}/${path}`);
    let refreshedAuth = false;
    for (let attempt = 1; ; attempt++) {
      let response: UpstreamResponse;
      try {
        const headers: Record<string, string> = {};
        if (options.accept) headers.accept = options.accept;
        if (options.range) headers.range = options.range;
        const authorization = await this.auth.header();
        if (authorization) headers.authorization = authorization;
        response = await followRedirects(url, options.method ?? "GET", headers);
      } catch (error) {
        const failure = asUpstreamError(error, url.host);
        if ((failure.code !== "UPSTREAM_UNAVAILABLE" && failure.code !== "UPSTREAM_TIMEOUT") || attempt >= MAX_ATTEMPTS) throw failure;
        await sleep(backoff(attempt));
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;

      if (response.status === 401 && !refreshedAuth) {
        refreshedAuth = true; // a token may have expired or lack the scope: refresh once
        discard(response);
        this.auth.refresh(header(response, "www-authenticate"));
        continue;
      }
      if ((response.status === 408 || response.status === 429 || response.status >= 500) && attempt < MAX_ATTEMPTS) {
        const wait = retryAfterSeconds(response);
        if (wait !== null && wait > LONGEST_RETRY_WAIT_S) throw await upstreamFailure(response, this.target);
        discard(response);
        await sleep(wait !== null ? wait * 1000 : backoff(attempt));
        continue;
      }
      throw await upstreamFailure(response, this.target);
    }
  }

  /** Checks this client's credentials the way `docker login` does; UNAUTHORIZED when rejected. */
  verifyCredentials(): Promise<void> {
    return this.auth.verify();
  }
}
