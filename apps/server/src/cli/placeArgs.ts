/** Where a command's lab lives: `--sandbox S` (made on first use by deploy) or the host; and the root check. */
import { LAB_NAME, type Topology } from '@nslab/topology';
import { readDeployed } from '../deployedRecord.js';
import { checkSandboxName } from '../paths.js';
import { hostPlace, sandboxPlace, type Place } from '../place.js';
import { ensureSandbox, readSandbox } from '../sandbox/sandbox.js';
import { Exit } from './io.js';

/** Takes `--sandbox S` (or `--sandbox=S`) out of a command's arguments. */
export function sandboxOption(args: string[]): { sandbox?: string; rest: string[] } {
  const rest: string[] = [];
  let sandbox: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === '--sandbox' || a.startsWith('--sandbox=')) {
      sandbox = checkedSandbox(a === '--sandbox' ? args[++i] : a.slice('--sandbox='.length), '--sandbox needs a name');
    } else rest.push(a);
  }
  return { ...(sandbox ? { sandbox } : {}), rest };
}

/** A sandbox name from the command line, checked by the one rule (`checkSandboxName`); exit 1 naming what is wrong. */
export function checkedSandbox(name: string | undefined, missing = 'name a sandbox: nslab sandbox rm NAME'): string {
  if (!name) throw new Exit(1, missing);
  try {
    return checkSandboxName(name);
  } catch (e) {
    throw new Exit(1, (e as Error).message);
  }
}

/** The place of an existing sandbox (or the host); undefined when the sandbox does not exist. */
export function existingPlace(sandbox: string | undefined): Place | undefined {
  if (!sandbox) return hostPlace();
  return readSandbox(sandbox) ? sandboxPlace(sandbox) : undefined;
}

/** The sandbox's place, made on first use. */
export async function openSandbox(name: string): Promise<Place> {
  try {
    await ensureSandbox(name);
  } catch (e) {
    throw new Exit(1, (e as Error).message);
  }
  return sandboxPlace(name);
}

export const inSandbox = (sandbox: string | undefined) => (sandbox ? ` in sandbox ${sandbox}` : '');

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0)
    throw new Exit(1, `nslab ${what} changes the host's network and must run as root (try: sudo nslab ${what} …)`);
}

/** The design of a lab deployed in a place (exec, trace): a checked name, root, the sandbox, the lab; else exit `code`. */
export function deployedDesign(cmd: string, lab: string, sandbox: string | undefined, code: number): { place: Place; design: Topology } {
  if (!LAB_NAME.test(lab)) throw new Exit(code, `${JSON.stringify(lab).slice(0, 40)} is not a lab name (lower-case letters, digits, "-")`);
  requireRoot(cmd);
  const place = existingPlace(sandbox);
  if (!place) throw new Exit(code, `there is no sandbox ${sandbox} (see: nslab sandbox list)`);
  const design = readDeployed(place.dir, lab);
  if (!design) throw new Exit(code, `lab ${lab} is not deployed${inSandbox(sandbox)}`);
  return { place, design };
}
