import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile-top.js <file.cpuprofile> [n]`: the n functions with the most self time
 * in a V8 CPU profile (from BENCH_PROFILE=1), with their share of all samples.
 */
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: Node[] };
const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
const byFunction = new Map<string, number>();
for (const n of profile.nodes) {
  const where = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (n.hitCount ?? 0));
}
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 25));
for (const [key, hits] of top) console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
