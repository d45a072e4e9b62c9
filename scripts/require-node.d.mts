/** The problem with running `version` under the `>=N` engines range, or null when it is fine. */
export function nodeVersionProblem(version: string, range: string | undefined): string | null;
