import "server-only";
import { PortholeError } from "@/lib/core/errors";
import { readCapped, type UpstreamResponse } from "@/lib/registry/http";

const ERROR_BODY_LIMIT = 64 * 1024;
/** Retry-After waits up to this long are waited out; longer ones are passed to the user as a 429. */
export const LONGEST_RETRY_WAIT_S = 10;

export function header(response: UpstreamResponse, name: string): string | null {
  const value = response.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** Retry-After in seconds (delta or HTTP date), or null when absent or unreadable. */
export function retryAfterSeconds(response: UpstreamResponse): number | null {
  const value = header(response, "retry-after");
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The registry's own words from a distribution-spec error body (`{errors: [{code, message}]}`), if any. */
async function registrySaid(response: UpstreamResponse): Promise<{ code: string; detail: string }> {
  try {
    const body = JSON.parse((await readCapped(response, ERROR_BODY_LIMIT, "error body")).toString("utf8"));
    const first = body?.errors?.[0];
    return { code: String(first?.code ?? ""), detail: String(first?.message ?? "") };
  } catch {
    response.body.destroy();
    return { code: "", detail: "" };
  }
}

/** Maps a registry's error response for `registry/repository` to the PortholeError a user can act on. */
export async function upstreamFailure(
  response: UpstreamResponse,
  target: { registry: string; repository: string; withCredentials: boolean },
): Promise<PortholeError> {
  const { code, detail } = await registrySaid(response);
  const where = `${target.registry}/${target.repository}`;
  const said = detail ? ` (registry said: ${detail.slice(0, 200)})` : "";
  const status = response.status;
  if (status === 404 || ["NAME_UNKNOWN", "MANIFEST_UNKNOWN", "BLOB_UNKNOWN"].includes(code)) {
    return new PortholeError("NOT_FOUND", `${code === "NAME_UNKNOWN" ? "repository" : "not"} found: ${where}${said}`);
  }
  if (status === 401) {
    return target.withCredentials
      ? new PortholeError("UNAUTHORIZED", `the credentials were not accepted for ${where}${said}`)
      : new PortholeError("UNAUTHORIZED", `authentication required for ${where}${said}`);
  }
  if (status === 403) return new PortholeError("DENIED", `access denied to ${where}${said}`);
  if (status === 429) {
    const wait = retryAfterSeconds(response) ?? 60;
    return new PortholeError("RATE_LIMITED", `${target.registry} is rate limiting requests; try again in ${wait} s`, { retryAfter: wait });
  }
  if (status >= 500) {
    const wait = retryAfterSeconds(response);
    if (wait !== null && wait > LONGEST_RETRY_WAIT_S) {
      return new PortholeError("RATE_LIMITED", `${target.registry} is unavailable; try again in ${wait} s`, { retryAfter: wait });
    }
    return new PortholeError("UPSTREAM_UNAVAILABLE", `${target.registry} answered ${status}${said}`);
  }
  return new PortholeError("UPSTREAM_INVALID", `${target.registry} answered ${status} unexpectedly${said}`);
}
