/**
 * The one error domain code throws when a request cannot be served: it says
 * why in words a user can act on, and what kind of refusal it is. Only the
 * edge (http/api.ts `apiErrors`, the websocket upgrade path) turns `reason`
 * into an HTTP status; domain code never knows about HTTP.
 */
import type { TopologyIssue } from '@nslab/topology';

export type NslabErrorReason =
  /** No such lab, node, tool or capture. */
  | 'not-found'
  /** A parameter or an input is wrong; the message names it. */
  | 'invalid'
  /** The host or the lab is not in a state that allows it (a namespace another lab owns, a lab busy). */
  | 'conflict'
  /** Not allowed here at all (plan-only mode). */
  | 'forbidden'
  /** Past a limit (too large, too many). */
  | 'limit';

export class NslabError extends Error {
  constructor(
    readonly reason: NslabErrorReason,
    message: string,
    readonly opts: { issues?: TopologyIssue[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
  }

  get issues(): TopologyIssue[] | undefined {
    return this.opts.issues;
  }
}
