/**
 * This host's interfaces and the one its default route leaves by, for the
 * script importer's warnings (`-o wlo1` on a host that has only eth0). Read
 * with `ip -json`; nothing here needs root. Undefined when it cannot be read:
 * the importer then says nothing rather than guess.
 */
import type { HostInterfaces } from '@nslab/topology';
import type { Runner } from './runner.js';

export async function readHostInterfaces(runner: Runner): Promise<HostInterfaces | undefined> {
  const json = async (argv: string[]): Promise<unknown> => {
    const r = await runner.run(argv);
    return r.code === 0 ? JSON.parse(r.stdout || '[]') : undefined;
  };
  try {
    const links = await json(['ip', '-json', 'link', 'show']);
    const routes = await json(['ip', '-json', 'route', 'show', 'default']);
    if (!Array.isArray(links)) return undefined;
    const names = links.flatMap((l: { ifname?: unknown }) => (typeof l.ifname === 'string' ? [l.ifname] : []));
    const dev = Array.isArray(routes) ? (routes as Array<{ dev?: unknown }>).find((r) => typeof r.dev === 'string')?.dev : undefined;
    return { interfaces: names, ...(typeof dev === 'string' ? { defaultRoute: dev } : {}) };
  } catch {
    return undefined;
  }
}
