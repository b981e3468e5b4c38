import "server-only";
import { createHash } from "node:crypto";
import { PortholeError } from "@/lib/core/errors";
import { parseChallenge, type Challenge } from "@/lib/registry/challenge";
import type { Credentials } from "@/lib/registry/credentials";
import { usesPlainHttp } from "@/lib/registry/hosts";
import { discard, readCapped } from "@/lib/registry/http";
import { followRedirects } from "@/lib/registry/redirects";
import { header, upstreamFailure } from "@/lib/registry/upstream-errors";

const TOKEN_RESPONSE_LIMIT = 64 * 1024;
const PING_TTL_MS = 5 * 60_000;

/**
 * Who a registry request is made for: whose credentials it carries (the server's, from
 * PORTHOLE_DOCKER_CONFIG, unless given: a user's, or null for none), and which client asked, so
 * one client cannot take every download (see limits.ts).
 */
export interface AuthOptions {
  credentials?: Credentials | null;
  client?: string;
}

/** What `/v2/` said, per registry: the registry-wide challenge. */
const pings = new Map<string, { challenge: Challenge | null; expires: number }>();
/**
 * What a 401 for one repository said, per registry and repository: it applies to that repository
 * alone, so one repository naming another realm (or a refused one) cannot break the others.
 */
const repositoryChallenges = new Map<string, { challenge: Challenge; expires: number }>();
const tokens = new Map<string, { token: string; expires: number }>();

function credentialId(credentials: Credentials | null): string {
  if (!credentials) return "anonymous";
  return createHash("sha256")
    .update(`${credentials.username}\0${credentials.password}\0${credentials.identityToken ?? ""}`)
    .digest("hex");
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * Authentication with one registry for one repository: the `/v2/` ping (cached per registry) says
 * whether it wants Basic or a Bearer token; tokens come from its realm (the Docker token flow) and
 * are cached per registry, realm, scope and credential.
 */
export class RegistryAuth {
  constructor(
    private readonly registry: string,
    private readonly repository: string,
    /** `scheme://host` of the registry's API. */
    private readonly base: string,
    private readonly credentials: Credentials | null,
  ) {}

  /** The Authorization header for a request to the repository, or null when none is needed. */
  async header(): Promise<string | null> {
    const challenge = this.repositoryChallenge() ?? (await this.ping());
    if (!challenge) return null;
    if (challenge.scheme === "basic") return this.credentials && !this.credentials.identityToken ? basic(this.credentials) : null;
    if (challenge.scheme !== "bearer") return null;
    const key = this.tokenKey(challenge);
    const cached = tokens.get(key);
    if (cached && cached.expires > Date.now()) return `Bearer ${cached.token}`;
    const { token, expiresIn } = await this.fetchToken(challenge);
    tokens.set(key, { token, expires: Date.now() + Math.max(expiresIn - 5, 1) * 1000 });
    return `Bearer ${token}`;
  }

  /** After a 401: drop the token we used, and learn the challenge the registry sent for this repository. */
  refresh(challengeHeader: string | null): void {
    const known = this.repositoryChallenge() ?? pings.get(this.registry)?.challenge;
    if (known) tokens.delete(this.tokenKey(known));
    const challenge = parseChallenge(challengeHeader);
    if (challenge) repositoryChallenges.set(this.repositoryKey(), { challenge, expires: Date.now() + PING_TTL_MS });
  }

  private repositoryKey(): string {
    return `${this.registry}|${this.repository}`;
  }

  private repositoryChallenge(): Challenge | null {
    const known = repositoryChallenges.get(this.repositoryKey());
    return known && known.expires > Date.now() ? known.challenge : null;
  }

  /**
   * Checks credentials the way a login does: Basic against /v2/, Bearer by asking the token realm
   * (which rejects wrong ones). An open registry accepts anything. Throws UNAUTHORIZED when rejected.
   */
  async verify(): Promise<void> {
    const challenge = await this.ping();
    if (!challenge) return;
    if (challenge.scheme === "bearer") {
      await this.fetchToken(challenge);
      return;
    }
    const response = await followRedirects(new URL(`${this.base}/v2/`), "GET", this.credentials ? { authorization: basic(this.credentials) } : {});
    discard(response);
    if (response.status === 401 || response.status === 403) throw new PortholeError("UNAUTHORIZED", `${this.registry} rejected the credentials`);
    if (response.status >= 400) throw await this.failure(response);
  }

  private scope(): string {
    return `repository:${this.repository}:pull`;
  }

  private tokenKey(challenge: Challenge): string {
    return [this.registry, challenge.params.realm, challenge.params.service, this.scope(), credentialId(this.credentials)].join("|");
  }

  private failure(response: Parameters<typeof upstreamFailure>[0]) {
    return upstreamFailure(response, { registry: this.registry, repository: this.repository, withCredentials: this.credentials !== null });
  }

  /** `GET /v2/`: learns whether and how the registry wants authentication. Cached per registry. */
  private async ping(): Promise<Challenge | null> {
    const known = pings.get(this.registry);
    if (known && known.expires > Date.now()) return known.challenge;
    const response = await followRedirects(new URL(`${this.base}/v2/`), "GET", {});
    discard(response);
    let challenge: Challenge | null = null;
    if (response.status === 401) challenge = parseChallenge(header(response, "www-authenticate"));
    else if (response.status >= 500) throw await this.failure(response);
    pings.set(this.registry, { challenge, expires: Date.now() + PING_TTL_MS });
    return challenge;
  }

  /** The realm as a URL we may call: HTTPS, or plain HTTP only when registry and realm both are allowed it. */
  private realmUrl(challenge: Challenge): URL {
    const { realm } = challenge.params;
    if (!realm) throw new PortholeError("UPSTREAM_INVALID", `${this.registry} asked for a token without naming a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new PortholeError("UPSTREAM_INVALID", `${this.registry} named an invalid token realm`);
    }
    const plainAllowed = usesPlainHttp(new URL(this.base).host) && usesPlainHttp(url.host);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && plainAllowed)) {
      throw new PortholeError("UPSTREAM_INVALID", `the token realm of ${this.registry} is not HTTPS`);
    }
    return url;
  }

  /**
   * A token from the registry's realm: the Docker token flow, or with an identity token the OAuth2
   * flow (POST realm grant_type=refresh_token, distribution's token/oauth.md), as Docker does.
   */
  private async fetchToken(challenge: Challenge): Promise<{ token: string; expiresIn: number }> {
    const url = this.realmUrl(challenge);
    const refreshToken = this.credentials?.identityToken;
    const response = refreshToken ? await this.exchange(url, challenge, refreshToken) : await this.askForToken(url, challenge);
    // An OAuth2 server refuses a bad refresh token with 400 invalid_grant (RFC 6749 5.2).
    if (response.status === 401 || response.status === 403 || (refreshToken && response.status === 400)) {
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

  /** GET realm?service&scope, with Basic credentials when we have them. */
  private askForToken(url: URL, challenge: Challenge) {
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    url.searchParams.set("scope", this.scope());
    return followRedirects(url, "GET", this.credentials ? { authorization: basic(this.credentials) } : {});
  }

  /** An identity token exchanged for an access token to this repository. */
  private exchange(url: URL, challenge: Challenge, refreshToken: string) {
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: "porthole", scope: this.scope() });
    if (challenge.params.service) form.set("service", challenge.params.service);
    return followRedirects(url, "POST", { "content-type": "application/x-www-form-urlencoded" }, form.toString());
  }
}

/** For tests: forget pings and tokens. */
export function resetAuthCache(): void {
  pings.clear();
  repositoryChallenges.clear();
  tokens.clear();
}
