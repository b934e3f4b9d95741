/**
 * `node bench/profile-summary.ts <file.cpuprofile> [top] [lastSeconds] [functionName]`: where a `--cpu-prof` profile spent its time,
 * by self time per function and by total (inclusive) time per source file group.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile> [top] [lastSeconds] [functionName]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
/** only the samples of the last N seconds (a scenario run just before the server stopped) */
const lastS = Number(process.argv[4] ?? 0);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
if (lastS > 0) {
  const at: number[] = [];
  let t = 0;
  for (const d of prof.timeDeltas) {
    t += d;
    at.push(t);
  }
  const from = t - lastS * 1e6;
  const keep = at.map((x) => x >= from);
  prof.samples = prof.samples.filter((_, i) => keep[i]);
  prof.timeDeltas = prof.timeDeltas.filter((_, i) => keep[i]);
}
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
prof.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(n: Node): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'npm:');
  return `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/.*\/apps\/server\/src\//, 'src/')}:${n.callFrame.lineNumber + 1}`;
}
function group(n: Node): string {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return `npm:${m[1]}`;
  const s = /apps\/server\/src\/(.+)$/.exec(url);
  if (s) return `src/${s[1]}`;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

const selfBy = new Map<string, number>();
for (const [id, us] of selfUs) {
  const k = where(byId.get(id)!);
  selfBy.set(k, (selfBy.get(k) ?? 0) + us);
}
// inclusive time per group: each sample counts once for every distinct group on its stack
const inclBy = new Map<string, number>();
prof.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) seen.add(group(byId.get(cur)!));
  for (const g of seen) inclBy.set(g, (inclBy.get(g) ?? 0) + (prof.timeDeltas[i] ?? 0));
});

// with a 5th argument (a function name): which of our functions those samples came from
const focus = process.argv[5];
const callers = new Map<string, number>();
if (focus) {
  prof.samples.forEach((id, i) => {
    if (byId.get(id)?.callFrame.functionName !== focus) return;
    let caller = '(none of ours)';
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (/apps\/server\/src\/modules\//.test(n.callFrame.url)) {
        caller = where(n);
        break;
      }
    }
    callers.set(caller, (callers.get(caller) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
const out = [`total ${(total / 1e6).toFixed(1)} s sampled`, '', 'self time, top functions:'];
for (const [k, us] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(us)}  ${k}`);
out.push('', 'inclusive time by file / package:');
for (const [k, us] of [...inclBy].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(us)}  ${k}`);
if (focus) {
  out.push('', `${focus}: where in the modules its samples came from:`);
  for (const [k, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(us)}  ${k}`);
}
process.stdout.write(`${out.join('\n')}\n`);
