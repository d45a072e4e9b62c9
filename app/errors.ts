// The one error base: a domain error carries a kind, and this table alone
// says which HTTP status each kind answers with, in the public API and the
// admin alike. No server imports: pages and pure modules may use it.

export const STATUS_BY_KIND = {
  bad_input: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof STATUS_BY_KIND;

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
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
