/** NSLAB_TRACE=1 prints how long each phase of a lab operation takes, and when it ends, on stderr. */
const enabled = process.env.NSLAB_TRACE === '1';

export async function traced<T>(what: string, fn: () => Promise<T> | T): Promise<T> {
  if (!enabled) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const now = performance.now(); // since the process started
    process.stderr.write(`[trace] ${what}: ${(now - t0).toFixed(1)} ms (ends ${now.toFixed(0)} ms after start)\n`);
  }
}
