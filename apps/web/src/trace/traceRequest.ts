/** The Trace form, and the request it makes once it is complete. */
import type { TraceProto } from '@nslab/topology';

export interface TraceForm {
  /** An address, or the name of a node of the lab. */
  to: string;
  proto: TraceProto;
  /** As typed; used for tcp and udp. */
  port: string;
  live: boolean;
}

export type TraceRequest = { to: string; proto: TraceProto; port?: number; live: boolean };

/** The request a form makes, or why it cannot be sent yet. */
export function traceRequest(f: TraceForm): TraceRequest | { problem: string } {
  const to = f.to.trim();
  if (!to) return { problem: 'Click the destination node, or type an address.' };
  if (f.proto === 'icmp') return { to, proto: f.proto, live: f.live };
  const port = Number(f.port);
  if (!/^\d+$/.test(f.port.trim()) || port < 1 || port > 65535) return { problem: `Give a ${f.proto.toUpperCase()} port from 1 to 65535.` };
  return { to, proto: f.proto, port, live: f.live };
}
