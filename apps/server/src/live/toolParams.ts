/**
 * The parameters live tools take, each checked before any argv is built:
 * a value that fails is refused with a message naming the parameter
 * (`target: "-f" is not an IP address`), never passed on. Every checked
 * string that reaches an argv goes after `--` there as well.
 */
import { isIfName, LAB_NAME, NODE_NAME, parseIp, resolveTopology, type ToolParamInfo, type Topology } from '@nslab/topology';
import { NslabError } from '../errors.js';

/** Where a tool runs: the lab and node it names (host tools have neither). */
export interface ParamContext {
  topology?: Topology;
  node?: string;
}

export interface Param<T> {
  /** What GET /api/tools says of it (its name is its key in the tool's `params`). */
  info: Omit<ToolParamInfo, 'name'>;
  /** The checked value, or a throw naming `name`; `raw` is undefined when the request does not give it. */
  parse(raw: string | undefined, name: string, ctx: ParamContext): T;
}

export type ParamSpecs = Record<string, Param<unknown>>;
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: P[K] extends Param<infer T> ? T : never };

const quote = (raw: string, max = 64) => JSON.stringify(raw.slice(0, max));
const invalid = (name: string, message: string) => new NslabError('invalid', `${name}: ${message}`);

/** An IPv4 or IPv6 address, strictly (no names, no zone ids, nothing starting with "-"). */
export function ip(): Param<string> {
  return {
    info: { kind: 'ip', required: true },
    parse(raw, name) {
      if (!raw) throw invalid(name, 'give an IP address');
      if (!parseIp(raw)) throw invalid(name, `${quote(raw)} is not an IP address`);
      return raw;
    },
  };
}

/** A whole number in [min, max]; `dflt` when not given. */
export function integer(min: number, max: number, dflt: number): Param<number> {
  return {
    info: { kind: 'integer', required: false, default: dflt, min, max },
    parse(raw, name) {
      if (raw === undefined || raw === '') return dflt;
      const n = Number(raw);
      if (!/^\d{1,9}$/.test(raw) || n < min || n > max)
        throw invalid(name, `${quote(raw, 16)} is not a whole number from ${min} to ${max}`);
      return n;
    },
  };
}

/** One of a fixed set of words; `dflt` when not given (none: required). */
export function choice<const C extends string>(choices: readonly C[], dflt?: C): Param<C> {
  return {
    info: { kind: 'choice', required: dflt === undefined, choices: [...choices], ...(dflt !== undefined ? { default: dflt } : {}) },
    parse(raw, name) {
      if ((raw === undefined || raw === '') && dflt !== undefined) return dflt;
      if (raw === undefined || !(choices as readonly string[]).includes(raw)) throw invalid(name, `give one of: ${choices.join(', ')}`);
      return raw as C;
    },
  };
}

/** An IP address, or the name of a node of the lab (what a trace goes to). */
export function target(): Param<string> {
  return {
    info: { kind: 'target', required: true },
    parse(raw, name, ctx) {
      if (!raw) throw invalid(name, 'give an IP address or a node of the lab');
      if (parseIp(raw)) return raw;
      if (!NODE_NAME.test(raw) || !ctx.topology || !Object.hasOwn(ctx.topology.nodes, raw))
        throw invalid(name, `${quote(raw)} is neither an IP address nor a node of the lab`);
      return raw;
    },
  };
}

/** On when "1". */
export function flag(): Param<boolean> {
  return { info: { kind: 'flag', required: false, default: 0 }, parse: (raw) => raw === '1' };
}

/** An optional lab name (as `discover` names the lab it prints). */
export function labName(): Param<string | undefined> {
  return {
    info: { kind: 'lab', required: false },
    parse(raw, name) {
      if (!raw) return undefined;
      if (!LAB_NAME.test(raw))
        throw invalid(name, `${quote(raw)} is not a valid lab name: 1–24 lower-case letters, digits and "-", starting with a letter`);
      return raw;
    },
  };
}

/** An interface the lab declares in the node's namespace (or lo). */
export function iface(): Param<string> {
  return {
    info: { kind: 'interface', required: true },
    parse(raw, name, ctx) {
      const node = ctx.node ?? '';
      if (raw === undefined || !isIfName(raw) || !ctx.topology || !interfacesOf(ctx.topology, node).includes(raw)) {
        throw invalid(name, `${quote(raw ?? '', 32)} is not an interface of ${node}`);
      }
      return raw;
    },
  };
}

/** Characters a tcpdump filter uses; it may not start with "-" (tcpdump would read it as an option) and is passed after "--". */
const FILTER = /^[A-Za-z0-9 .:/()!&|<>=[\]-]{0,200}$/;

/** A tcpdump filter expression, trimmed; empty when not given. */
export function filter(): Param<string> {
  return {
    info: { kind: 'filter', required: false, default: '' },
    parse(raw, name) {
      const text = (raw ?? '').trim();
      if (!FILTER.test(text)) throw invalid(name, 'the capture filter has characters tcpdump filters do not use (or is longer than 200)');
      if (text.startsWith('-')) throw invalid(name, 'a capture filter cannot start with "-": tcpdump would read it as an option');
      return text;
    },
  };
}

/** Checks every parameter of a tool from the request's strings. */
export function parseParams<P extends ParamSpecs>(params: P, raw: (name: string) => string | undefined, ctx: ParamContext): ParamValues<P> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(params)) out[name] = p.parse(raw(name), name, ctx);
  return out as ParamValues<P>;
}

/** The interfaces a tool may use on a node: those the lab declares in the node's namespace. */
function interfacesOf(t: Topology, node: string): string[] {
  const r = resolveTopology(t);
  const scope = r.scopes.get(r.scopeOfNode.get(node) ?? '');
  return scope ? ['lo', ...scope.interfaces.keys()] : [];
}
