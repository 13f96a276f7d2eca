// Prints the functions with the most self time in a V8 .cpuprofile (node --cpu-prof): the evidence behind RESULTS.md.
// Run: node --import tsx bench/support/cpuprofile-top.ts FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
const [file, n = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [N]');
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<string, number>();
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const counts = new Map<number, number>();
for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
let total = 0;
for (const [id, c] of counts) {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + c);
  total += c;
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(`${total} samples, ${((idle / total) * 100).toFixed(1)}% idle; self time of the busy part:`);
for (const [k, v] of [...self].filter(([k2]) => !k2.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
  console.log(`${((v / (total - idle)) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
