/**
 * A Docker-style token server for the token-auth test registry: GET /token?service&scope with
 * optional Basic credentials, or POST /token with an OAuth2 refresh token (an identity token), answering signed ES256 JWTs that distribution verifies against the
 * certificate in its `rootcertbundle` (key named by `kid`, in libtrust key-ID form).
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ANONYMOUS_PREFIX, TEST_IDENTITY_TOKEN, TEST_USER } from "./config";

export const TOKEN_ISSUER = "porthole-test-issuer";
export const TOKEN_SERVICE = "porthole-test-registry";

/** libtrust's key ID: SHA-256 of the DER public key, first 240 bits, base32, in groups of four. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  const bits = createHash("sha256").update(der).digest().subarray(0, 30);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "";
  let buffer = 0;
  let count = 0;
  for (const byte of bits) {
    buffer = (buffer << 8) | byte;
    count += 8;
    while (count >= 5) {
      out += alphabet[(buffer >> (count - 5)) & 31];
      count -= 5;
    }
  }
  return out.match(/.{4}/g)!.join(":");
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

function signJwt(claims: object, key: KeyObject, kid: string): string {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: "ES256", kid }));
  const payload = b64url(JSON.stringify(claims));
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), { key, dsaEncoding: "ieee-p1363" });
  return `${header}.${payload}.${b64url(signature)}`;
}

function authenticated(header: string | undefined): boolean | null {
  if (!header) return null;
  const [scheme, value] = header.split(" ");
  if (scheme?.toLowerCase() !== "basic" || !value) return false;
  return Buffer.from(value, "base64").toString("utf8") === `${TEST_USER.username}:${TEST_USER.password}`;
}

/** The OAuth2 flow: the test user's refresh token, or false for any other. */
function refreshed(form: URLSearchParams): boolean {
  return form.get("grant_type") === "refresh_token" && form.get("refresh_token") === TEST_IDENTITY_TOKEN;
}

export interface TokenServer {
  server: Server;
  /** How many token requests were served, for tests that prove caching. */
  requests(): number;
}

export function startTokenServer(privateKeyPem: string, listen: { host: string; port: number }): Promise<TokenServer> {
  const key = createPrivateKey(privateKeyPem);
  const kid = libtrustKeyId(createPublicKey(key));
  let served = 0;
  const answer = (request: IncomingMessage, response: ServerResponse, params: URLSearchParams) => {
    served++;
    const oauth = request.method === "POST";
    const user = oauth ? refreshed(params) : authenticated(request.headers.authorization);
    if (user === false) {
      // A bad refresh token is an OAuth2 invalid_grant (400); bad Basic credentials a 401.
      response.writeHead(oauth ? 400 : 401, { "content-type": "application/json" });
      return response.end(JSON.stringify(oauth ? { error: "invalid_grant" } : { details: "incorrect username or password" }));
    }
    const access = params.getAll("scope").flatMap((scope) => {
      const [type, name = "", actions = ""] = scope.split(":");
      if (type !== "repository") return [];
      const granted = actions.split(",").filter((action) => user || (action === "pull" && name.startsWith(ANONYMOUS_PREFIX)));
      return [{ type, name, actions: granted }];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      {
        iss: TOKEN_ISSUER,
        sub: user ? TEST_USER.username : "",
        aud: params.get("service"),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      },
      key,
      kid,
    );
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://token");
    if (url.pathname === "/stats") return response.end(JSON.stringify({ tokens: served }));
    if (url.pathname !== "/token") return response.writeHead(404).end();
    if (request.method !== "POST") return answer(request, response, url.searchParams);
    // The OAuth2 flow: the parameters come as a form in the body.
    let form = "";
    request.on("data", (chunk: Buffer) => (form += chunk.toString()));
    request.on("end", () => answer(request, response, new URLSearchParams(form)));
  });
  return new Promise((resolve) => server.listen(listen.port, listen.host, () => resolve({ server, requests: () => served })));
}
