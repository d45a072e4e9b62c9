import { AppError } from "../errors";
import { errorResponse } from "../http/errors";

/**
 * For an admin loader or action's catch: a domain error answered with its
 * kind's status and message (`throw answerAppError(error)`); anything else is
 * rethrown as it is.
 */
export function answerAppError(error: unknown): Response {
  if (error instanceof AppError) return errorResponse(error);
  // A thrown Response (Remix's redirects and answers) passes through unchanged, as does any other error.
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrowing what the caller caught, whatever it is
  throw error;
}
