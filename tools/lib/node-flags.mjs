// V8 flags an app runs with wherever this repository starts it (npm run dev, the benchmarks, the
// chaos runs): node-flags.json. The Helm chart sets the same through apps.<app>.env.NODE_OPTIONS
// (charts/live-commerce/tests/chart.spec.ts checks that they agree).
//
// burst-api: a young generation of 64 MB semi-spaces (V8's default on 64-bit is 16 MB). A heart
// spike allocates a few short-lived objects per batch on 15,000 sockets; with the default, the
// scavenger took 30% of the process's CPU (docs/benchmarks.md, #17 round 4).
import { readFileSync } from 'node:fs';

export const NODE_FLAGS = JSON.parse(readFileSync(new URL('./node-flags.json', import.meta.url), 'utf8'));

/** NODE_OPTIONS for an app: its flags after what the environment already sets. */
export function nodeOptionsFor(app, base = process.env.NODE_OPTIONS) {
  return [base, ...(NODE_FLAGS[app] ?? [])].filter(Boolean).join(' ');
}
