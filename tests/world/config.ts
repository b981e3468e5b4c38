/**
 * Where the test world lives: real Debian docker-registry processes on loopback, started fresh for
 * every test run by tests/world/start.ts. Every integration and browser test reads addresses from here.
 */
export const OPEN_REGISTRY = "127.0.0.1:15000"; // no auth
export const TOKEN_REGISTRY = "127.0.0.1:15001"; // auth: token (Bearer), realm below
export const BASIC_REGISTRY = "127.0.0.1:15002"; // auth: htpasswd (bcrypt)
export const TOKEN_SERVER = "127.0.0.1:15003"; // signs JWTs for TOKEN_REGISTRY
export const APP_URL = "http://127.0.0.1:3100"; // the built app, for browser and API tests

/** The one user of the token server and the Basic registry. */
export const TEST_USER = { username: "porthole", password: "s3cret-pass" };
/** The test user's OAuth2 refresh token (Docker's identity token), which the token server exchanges for access tokens. */
export const TEST_IDENTITY_TOKEN = "porthole-refresh-token-1";

/** Repositories on TOKEN_REGISTRY under this prefix allow anonymous pull; all others need TEST_USER. */
export const ANONYMOUS_PREFIX = "public/";
