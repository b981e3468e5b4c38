/**
 * The one error type of Porthole. Every failure that reaches a user is a PortholeError: it carries
 * the HTTP status and a stable machine code, and serialises to `{"error": {"code", "message"}}`.
 * Shared by server (route handlers) and browser (the SWR fetcher rethrows it), so no server imports.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  HOST_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED: 415,
  RANGE_NOT_SATISFIABLE: 416,
  RATE_LIMITED: 429,
  UPSTREAM_INVALID: 502,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_TIMEOUT: 504,
  INTERNAL: 500,
  SHUTTING_DOWN: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; retryAfter?: number; [extra: string]: unknown };
}

export class PortholeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds, for RATE_LIMITED: becomes the Retry-After header. */
  readonly retryAfter?: number;
  /** Extra JSON fields a client may act on (e.g. a symlink's `linkname`). */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { retryAfter?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "PortholeError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.retryAfter = options.retryAfter;
    this.details = options.details;
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = { error: { ...this.details, code: this.code, message: this.message } };
    if (this.retryAfter !== undefined) body.error.retryAfter = this.retryAfter;
    return body;
  }

  static fromJSON(status: number, body: unknown): PortholeError {
    const error = (body as Partial<ErrorBody> | null)?.error;
    if (error && typeof error.code === "string" && error.code in ERROR_STATUS) {
      const { code, message, retryAfter, ...details } = error;
      return new PortholeError(code, String(message), { retryAfter, details });
    }
    return new PortholeError(status >= 500 ? "UPSTREAM_UNAVAILABLE" : "BAD_REQUEST", `Request failed with status ${status}`);
  }
}

/** Anything thrown that is not a PortholeError is a bug: hide its details from users. */
export function asPortholeError(error: unknown): PortholeError {
  if (error instanceof PortholeError) return error;
  return new PortholeError("INTERNAL", "Internal error", { cause: error });
}
