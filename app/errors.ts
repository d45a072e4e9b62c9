// The one error base: a domain error carries a kind, and this table alone
// says which HTTP status each kind answers with, in the public API and the
// admin alike. No server imports: pages and pure modules may use it.

export const STATUS_BY_KIND = {
  bad_input: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof STATUS_BY_KIND;

export interface AppErrorOptions extends ErrorOptions {
  /** Sent with the answer: `retry-after` on a refusal to come back later, `allow` on a wrong method. */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  override name = "AppError";
  readonly headers: Record<string, string>;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    { headers = {}, ...options }: AppErrorOptions = {},
  ) {
    super(message, options);
    this.headers = headers;
  }

  get status(): number {
    return STATUS_BY_KIND[this.kind];
  }
}

/** A row that is missing, or belongs to another shop: the two answer alike. */
export class NotFoundError extends AppError {
  override name = "NotFoundError";
  constructor(readonly what: string) {
    super("not_found", `${what} not found`);
  }
}
