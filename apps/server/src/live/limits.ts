/**
 * How many terminals, streams and captures may be open: per client (its
 * address) and in all, so no one page, script or user can exhaust processes,
 * memory or the /run tmpfs. Each limit is an environment variable.
 */
export type LiveKind = 'terminal' | 'stream' | 'capture';

export interface LiveLimits {
  perClient: Record<LiveKind, number>;
  total: Record<LiveKind, number>;
  /** A capture file stops growing here. */
  captureBytes: number;
  /** A capture stops after this long. */
  captureMs: number;
}

const num = (name: string, dflt: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};

export const LIVE_LIMITS = (): LiveLimits => ({
  perClient: {
    terminal: num('NSLAB_MAX_TERMINALS_PER_CLIENT', 16),
    stream: num('NSLAB_MAX_STREAMS_PER_CLIENT', 16),
    capture: num('NSLAB_MAX_CAPTURES_PER_CLIENT', 4),
  },
  total: { terminal: num('NSLAB_MAX_TERMINALS', 64), stream: num('NSLAB_MAX_STREAMS', 64), capture: num('NSLAB_MAX_CAPTURES', 16) },
  captureBytes: num('NSLAB_CAPTURE_MAX_MB', 64) * 1048576,
  captureMs: num('NSLAB_CAPTURE_MAX_SECONDS', 1800) * 1000,
});

const NOUN: Record<LiveKind, string> = { terminal: 'terminals', stream: 'tool streams', capture: 'captures' };

export class Limits {
  private readonly open = new Map<string, number>();

  constructor(readonly caps: LiveLimits) {}

  /** Takes a slot, or says why there is none. */
  take(kind: LiveKind, client: string): string | undefined {
    const mine = this.count(kind, client);
    const all = this.count(kind, '*');
    if (mine >= this.caps.perClient[kind])
      return `too many ${NOUN[kind]} open from ${client} (at most ${this.caps.perClient[kind]}); close one first`;
    if (all >= this.caps.total[kind])
      return `too many ${NOUN[kind]} open on this server (at most ${this.caps.total[kind]}); close one first`;
    this.open.set(`${kind} ${client}`, mine + 1);
    this.open.set(`${kind} *`, all + 1);
    return undefined;
  }

  give(kind: LiveKind, client: string): void {
    for (const key of [`${kind} ${client}`, `${kind} *`]) this.open.set(key, Math.max(0, (this.open.get(key) ?? 1) - 1));
  }

  count(kind: LiveKind, client: string): number {
    return this.open.get(`${kind} ${client}`) ?? 0;
  }
}

/** A workshop participant's realm: a few of each, whatever their address (a classroom may share one). */
export const PARTICIPANT_LIVE_LIMITS = (): LiveLimits => {
  const host = LIVE_LIMITS();
  const few = {
    terminal: num('NSLAB_PARTICIPANT_TERMINALS', 8),
    stream: num('NSLAB_PARTICIPANT_STREAMS', 8),
    capture: num('NSLAB_PARTICIPANT_CAPTURES', 2),
  };
  return { ...host, perClient: few, total: few };
};
