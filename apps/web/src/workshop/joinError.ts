/** What the join page says when joining fails. */

/**
 * @param status the HTTP status, or undefined when the server did not answer
 * @param message the server's `error` text (or the network error's)
 */
export function joinErrorText(status: number | undefined, message: string): string {
  if (status === undefined) return `The nslab server cannot be reached: ${message}`;
  // A code the server no longer knows is refused as no credential at all (401), or not found (404).
  if (status === 401 || status === 404) return 'This workshop does not exist or has ended: ask your instructor for the link again.';
  if (status === 400) return `That name cannot be used: ${message}`;
  return message;
}
