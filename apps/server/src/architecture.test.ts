import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { MODULES } from './modules/index.ts';

/**
 * The shape every module keeps (docs/architecture.md):
 * - platform imports no module (and not the entry points that list them);
 * - a module imports only modules listed before it in modules/index.ts, so the module graph has no cycle;
 * - another module is reached only through its public face: `<m>.service.ts`, the table types in
 *   `<m>.tables.ts` and the hooks it defines in `<m>.hooks.ts` — never its queries or other inner files.
 */
const SRC = import.meta.dirname;
const PUBLIC_FACE = /^(?<m>[a-z-]+)\.(service|tables|hooks)\.ts$/;

type Unit = { kind: 'platform' } | { kind: 'module'; name: string } | { kind: 'root' };

export interface Edge {
  from: string;
  to: string;
}

function unitOf(file: string): Unit {
  const [top, name] = file.split('/');
  if (top === 'platform') return { kind: 'platform' };
  if (top === 'modules' && name && !name.endsWith('.ts')) return { kind: 'module', name };
  return { kind: 'root' };
}

/** What is wrong with these import edges (paths relative to src/), given the modules' order. */
export function violations(edges: readonly Edge[], order: readonly string[]): string[] {
  const out: string[] = [];
  const moduleEdges = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = unitOf(from);
    const b = unitOf(to);
    if (a.kind === 'platform' && b.kind !== 'platform') out.push(`platform imports outside platform: ${from} → ${to}`);
    if (a.kind !== 'module' || b.kind !== 'module' || a.name === b.name) continue;
    const set = moduleEdges.get(a.name) ?? new Set<string>();
    set.add(b.name);
    moduleEdges.set(a.name, set);
    const ia = order.indexOf(a.name);
    const ib = order.indexOf(b.name);
    if (ia < 0 || ib < 0) out.push(`module not listed in modules/index.ts: ${ia < 0 ? a.name : b.name}`);
    else if (ib > ia) out.push(`${a.name} imports ${b.name}, which is listed after it: ${from} → ${to}`);
    const file = to.split('/').slice(2).join('/');
    const face = PUBLIC_FACE.exec(file);
    if (!face || face.groups?.m !== b.name) out.push(`${a.name} reaches past ${b.name}'s public face: ${from} → ${to}`);
  }
  for (const cycle of cycles(moduleEdges)) out.push(`module cycle: ${cycle.join(' → ')}`);
  return out;
}

function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...path.slice(path.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    path.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return found;
}

/** Source files below `dir`, tests left out. */
function sourceFiles(dir: string, name = /\.ts$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p, name);
    return name.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every relative import, re-export and dynamic import of the server's source, as paths relative to src/. */
function importEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles
      .filter((i) => i.fileName.startsWith('.'))
      .map((i) => ({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), i.fileName)) }));
  });
}

describe('the module shape', () => {
  const order = MODULES.map((m) => m.name);

  test('every folder under modules/ is a module of the list, named after its folder', () => {
    const folders = readdirSync(join(SRC, 'modules'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect([...order].sort()).toEqual(folders);
  });

  test('platform imports no module, modules import only lower modules through their public face, and nothing cycles', () => {
    const edges = importEdges();
    expect(edges.length).toBeGreaterThan(100);
    expect(violations(edges, order)).toEqual([]);
  });

  test('no source file is over 600 lines', () => {
    const long = sourceFiles(SRC)
      .map((f) => ({ file: relative(SRC, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 600);
    expect(long).toEqual([]);
  });

  test('a channel is added through the registry: UnionPay is named in at most 8 source files', () => {
    const roots = ['.', '../../web/src', '../../../packages/contracts/src'].map((r) => resolve(SRC, r));
    const naming = roots
      .flatMap((r) => sourceFiles(r, /\.(ts|tsx)$/))
      .filter((f) => /unionpay/i.test(readFileSync(f, 'utf8')));
    expect(naming.length).toBeGreaterThan(0);
    expect(naming.length).toBeLessThanOrEqual(8);
  });

  test('the check finds a cycle, an upward import, a reach into queries and a platform import of a module', () => {
    const bad: Edge[] = [
      { from: 'modules/a/a.service.ts', to: 'modules/b/b.service.ts' },
      { from: 'modules/b/b.service.ts', to: 'modules/a/a.service.ts' },
      { from: 'modules/b/b.routes.ts', to: 'modules/a/a.queries.ts' },
      { from: 'platform/deps.ts', to: 'modules/a/a.service.ts' },
    ];
    const found = violations(bad, ['a', 'b']).join('\n');
    expect(found).toMatch(/a imports b, which is listed after it/);
    expect(found).toMatch(/module cycle: a → b → a/);
    expect(found).toMatch(/b reaches past a's public face: modules\/b\/b.routes.ts → modules\/a\/a.queries.ts/);
    expect(found).toMatch(/platform imports outside platform: platform\/deps.ts/);
  });
});
