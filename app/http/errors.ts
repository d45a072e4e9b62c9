/** An error a route turns into a response with a clear message. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(error: HttpError): Response {
  return new Response(JSON.stringify({ error: error.message }), {
    status: error.status,
    headers: { "content-type": "application/json", ...error.headers },
  });
}
