/**
 * Where nslab keeps host-side records. The run directory lives on tmpfs on
 * purpose: it holds what must die with the kernel state it describes (host
 * sysctl holds, capability probes), so a reboot clears both together.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function runDir(): string {
  return process.env.NSLAB_RUN_DIR ?? '/run/nslab';
}

export function dataDir(): string {
  return process.env.NSLAB_DATA_DIR ?? '/var/lib/nslab';
}

export function parallelism(): number {
  return Math.max(2, Math.min(16, os.availableParallelism() * 4));
}

/** The teaching labs shipped with nslab (labs/ in the repository). */
export function templatesDir(): string {
  return process.env.NSLAB_TEMPLATES_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../labs');
}
