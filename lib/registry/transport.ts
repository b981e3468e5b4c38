import "server-only";
import { createHash } from "node:crypto";
import { PortholeError } from "@/lib/core/errors";
import { parseChallenge, type Challenge } from "@/lib/registry/challenge";
import { serverCredentials, type Credentials } from "@/lib/registry/credentials";
import { apiHost, usesPlainHttp } from "@/lib/registry/hosts";
import { asUpstreamError, discard, readCapped, send, type UpstreamResponse } from "@/lib/registry/http";

const MAX_REDIRECTS = 5;
const MAX_ATTEMPTS = 4;
const LONGEST_RETRY_WAIT_S = 10;
const TOKEN_RESPONSE_LIMIT = 64 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const PING_TTL_MS = 5 * 60_000;

/** Whose credentials a request carries: the server's (from PORTHOLE_DOCKER_CONFIG) unless a user's are given. */
export interface AuthOptions {
  credentials?: Credentials | null;
}

const pings = new Map<string, { challenge: Challenge | null; expires: number }>();
const tokens = new Map<string, { token: string; expires: number }>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function credentialId(credentials: Credentials | null): string {
  return credentials ? createHash("sha256").update(`${credentials.username}\0${credentials.password}`).digest("hex") : "anonymous";
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * Speaks the distribution API for one repository: scheme choice, the /v2/ ping, Bearer and Basic
 * auth with a token cache per registry, scope and credential, redirects that never carry
 * Authorization to another host, and retries for transient failures.
 */
export class RegistryClient {
  private readonly base: string;

  private constructor(
    readonly registry: string,
    readonly repository: string,
    private readonly credentials: Credentials | null,
  ) {
    const host = apiHost(registry);
    this.base = `${usesPlainHttp(host) ? "http" : "https"}://${host}`;
  }

  static async for(target: { registry: string; repository: string }, auth: AuthOptions = {}): Promise<RegistryClient> {
    const credentials = auth.credentials !== undefined ? auth.credentials : await serverCredentials(target.registry);
    return new RegistryClient(target.registry, target.repository, credentials);
  }

  /** GET (or HEAD) `/v2/<repository>/<path>`; resolves only with a 2xx response, else throws a mapped error. */
  async request(path: string, options: { accept?: string; method?: "GET" | "HEAD" } = {}): Promise<UpstreamResponse> {
    const url = new URL(`${this.base}/v2/${this.repository}/${path}`);
    let refreshedAuth = false;
    for (let attempt = 1; ; attempt++) {
      let response: UpstreamResponse;
      try {
        const headers: Record<string, string> = {};
        if (options.accept) headers.accept = options.accept;
        const authorization = await this.authorization();
        if (authorization) headers.authorization = authorization;
        response = await this.follow(url, options.method ?? "GET", headers);
      } catch (error) {
        const failure = asUpstreamError(error, url.host);
        if (failure.code !== "UPSTREAM_UNAVAILABLE" && failure.code !== "UPSTREAM_TIMEOUT") throw failure;
        if (attempt >= MAX_ATTEMPTS) throw failure;
        await sleep(backoff(attempt));
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;

      if (response.status === 401 && !refreshedAuth) {
        refreshedAuth = true; // a token may have expired or lack the scope: refresh once
        const challenge = parseChallenge(header(response, "www-authenticate"));
        discard(response);
        this.forgetAuth(challenge);
        continue;
      }
      if ((response.status === 408 || response.status === 429 || response.status >= 500) && attempt < MAX_ATTEMPTS) {
        const wait = retryAfterSeconds(response);
        if (wait !== null && wait > LONGEST_RETRY_WAIT_S) throw await this.failure(response);
        discard(response);
        await sleep(wait !== null ? wait * 1000 : backoff(attempt));
        continue;
      }
      throw await this.failure(response);
    }
  }

  /** Follows redirects (blob GETs go to CDNs and object stores), dropping Authorization off-host. */
  private async follow(url: URL, method: string, headers: Record<string, string>): Promise<UpstreamResponse> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameHost = current.host === url.host;
      const hopHeaders = sameHost ? headers : Object.fromEntries(Object.entries(headers).filter(([name]) => name !== "authorization"));
      const response = await send(current, { method, headers: hopHeaders });
      const location = header(response, "location");
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) return response;
      discard(response);
      const next = new URL(location, current);
      if (next.protocol !== "https:" && !(next.protocol === "http:" && usesPlainHttp(next.host))) {
        throw new PortholeError("UPSTREAM_INVALID", `the registry redirected to ${next.protocol}//${next.host}, which is not HTTPS`);
      }
      current = next;
    }
    throw new PortholeError("UPSTREAM_INVALID", `more than ${MAX_REDIRECTS} redirects from ${url.host}`);
  }

  private scope(): string {
    return `repository:${this.repository}:pull`;
  }

  private tokenKey(challenge: Challenge): string {
    return [this.registry, challenge.params.realm, challenge.params.service, this.scope(), credentialId(this.credentials)].join("|");
  }

  private async authorization(): Promise<string | null> {
    const challenge = await this.ping();
    if (!challenge) return null;
    if (challenge.scheme === "basic") return this.credentials ? basic(this.credentials) : null;
    if (challenge.scheme !== "bearer") return null;
    const key = this.tokenKey(challenge);
    const cached = tokens.get(key);
    if (cached && cached.expires > Date.now()) return `Bearer ${cached.token}`;
    const { token, expiresIn } = await this.fetchToken(challenge);
    tokens.set(key, { token, expires: Date.now() + Math.max(expiresIn - 5, 1) * 1000 });
    return `Bearer ${token}`;
  }

  private forgetAuth(challenge: Challenge | null): void {
    const known = pings.get(this.registry)?.challenge;
    if (known) tokens.delete(this.tokenKey(known));
    if (challenge) pings.set(this.registry, { challenge, expires: Date.now() + PING_TTL_MS });
  }

  /** `GET /v2/`: learns whether and how the registry wants authentication. Cached per registry. */
  private async ping(): Promise<Challenge | null> {
    const known = pings.get(this.registry);
    if (known && known.expires > Date.now()) return known.challenge;
    const response = await this.follow(new URL(`${this.base}/v2/`), "GET", {});
    discard(response);
    let challenge: Challenge | null = null;
    if (response.status === 401) challenge = parseChallenge(header(response, "www-authenticate"));
    else if (response.status >= 500) throw await this.failure(response);
    pings.set(this.registry, { challenge, expires: Date.now() + PING_TTL_MS });
    return challenge;
  }

  /** The Docker token flow: GET realm?service&scope, with Basic credentials when we have them. */
  private async fetchToken(challenge: Challenge): Promise<{ token: string; expiresIn: number }> {
    const { realm, service } = challenge.params;
    if (!realm) throw new PortholeError("UPSTREAM_INVALID", `${this.registry} asked for a token without naming a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new PortholeError("UPSTREAM_INVALID", `${this.registry} named an invalid token realm`);
    }
    const plainAllowed = usesPlainHttp(apiHost(this.registry)) && usesPlainHttp(url.host);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && plainAllowed)) {
      throw new PortholeError("UPSTREAM_INVALID", `the token realm of ${this.registry} is not HTTPS`);
    }
    if (service) url.searchParams.set("service", service);
    url.searchParams.set("scope", this.scope());
    const headers: Record<string, string> = {};
    if (this.credentials) headers.authorization = basic(this.credentials);
    const response = await this.follow(url, "GET", headers);
    if (response.status === 401 || response.status === 403) {
      discard(response);
      throw this.credentials
        ? new PortholeError("UNAUTHORIZED", `the token server of ${this.registry} rejected the credentials for ${this.repository}`)
        : new PortholeError("UNAUTHORIZED", `authentication required for ${this.registry}/${this.repository}`);
    }
    if (response.status !== 200) throw await this.failure(response);
    const body = await readCapped(response, TOKEN_RESPONSE_LIMIT, "token response");
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new PortholeError("UPSTREAM_INVALID", `the token server of ${this.registry} answered with invalid JSON`);
    }
    const token = typeof parsed.token === "string" && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== "string" || !token) throw new PortholeError("UPSTREAM_INVALID", `the token server of ${this.registry} returned no token`);
    const expiresIn = typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : 60;
    return { token, expiresIn };
  }

  /**
   * Checks credentials the way a login does: Basic against /v2/, Bearer by asking the token realm
   * (which rejects wrong ones). An open registry accepts anything. Throws UNAUTHORIZED when rejected.
   */
  async verifyCredentials(): Promise<void> {
    const challenge = await this.ping();
    if (!challenge) return;
    if (challenge.scheme === "bearer") {
      await this.fetchToken(challenge);
      return;
    }
    const response = await this.follow(new URL(`${this.base}/v2/`), "GET", this.credentials ? { authorization: basic(this.credentials) } : {});
    discard(response);
    if (response.status === 401 || response.status === 403) throw new PortholeError("UNAUTHORIZED", `${this.registry} rejected the credentials`);
    if (response.status >= 400) throw await this.failure(response);
  }

  /** Maps a registry's error response (distribution-spec `{errors: [{code, message}]}`) to a PortholeError. */
  private async failure(response: UpstreamResponse): Promise<PortholeError> {
    let detail = "";
    let code = "";
    try {
      const body = JSON.parse((await readCapped(response, ERROR_BODY_LIMIT, "error body")).toString("utf8"));
      const first = body?.errors?.[0];
      code = String(first?.code ?? "");
      detail = String(first?.message ?? "");
    } catch {
      response.body.destroy();
    }
    const where = `${this.registry}/${this.repository}`;
    const said = detail ? ` (registry said: ${detail.slice(0, 200)})` : "";
    const status = response.status;
    if (status === 404 || ["NAME_UNKNOWN", "MANIFEST_UNKNOWN", "BLOB_UNKNOWN"].includes(code)) {
      return new PortholeError("NOT_FOUND", `${code === "NAME_UNKNOWN" ? "repository" : "not"} found: ${where}${said}`);
    }
    if (status === 401) {
      return this.credentials
        ? new PortholeError("UNAUTHORIZED", `the credentials were not accepted for ${where}${said}`)
        : new PortholeError("UNAUTHORIZED", `authentication required for ${where}${said}`);
    }
    if (status === 403) return new PortholeError("DENIED", `access denied to ${where}${said}`);
    if (status === 429) {
      const wait = retryAfterSeconds(response) ?? 60;
      return new PortholeError("RATE_LIMITED", `${this.registry} is rate limiting requests; try again in ${wait} s`, { retryAfter: wait });
    }
    if (status >= 500) {
      const wait = retryAfterSeconds(response);
      if (wait !== null && wait > LONGEST_RETRY_WAIT_S) {
        return new PortholeError("RATE_LIMITED", `${this.registry} is unavailable; try again in ${wait} s`, { retryAfter: wait });
      }
      return new PortholeError("UPSTREAM_UNAVAILABLE", `${this.registry} answered ${status}${said}`);
    }
    return new PortholeError("UPSTREAM_INVALID", `${this.registry} answered ${status} unexpectedly${said}`);
  }
}

function header(response: UpstreamResponse, name: string): string | null {
  const value = response.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** Retry-After in seconds (delta or HTTP date), or null when absent or unreadable. */
function retryAfterSeconds(response: UpstreamResponse): number | null {
  const value = header(response, "retry-after");
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function backoff(attempt: number): number {
  return 200 * 2 ** (attempt - 1) + Math.random() * 100;
}

/** For tests: forget pings and tokens. */
export function resetAuthCache(): void {
  pings.clear();
  tokens.clear();
}
