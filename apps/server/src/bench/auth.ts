/** The benches' access token: servers they start require it like any other (docs/security.md). */
import crypto from 'node:crypto';

export const BENCH_TOKEN = crypto.randomBytes(24).toString('hex');
export const BENCH_AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };
