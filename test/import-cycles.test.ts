// src/ has no import cycle: the data flows one way (schema -> parse -> pool -> file store; http and cli
// on top). Type-only imports count too: a cycle of types still ties two modules together.
import fs from 'node:fs';
import { join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every relative module a source text imports or re-exports (`import`, `import type`, `export ... from`, `import()`). */
export function importsOf(text: string): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) found.add((match[1] as string).replace(/^\.\//, '').replace(/\.js$/, '.ts'));
  return [...found];
}

/** The first cycle of a graph (module → the modules it imports), as a path that ends where it starts; none, undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at !== -1) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** Every module of src/ (paths relative to it, such as `http/coalesced-get.ts`) and the modules it imports. */
function sourceGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  for (const file of files.map((name) => name.split(sep).join('/'))) {
    const imports = importsOf(fs.readFileSync(join(SRC, file), 'utf8'));
    graph.set(file, imports.map((module) => posix.normalize(posix.join(posix.dirname(file), module))));
  }
  return graph;
}

describe('import cycles', () => {
  it('reads every form of relative import, and nothing else', () => {
    const text = [
      "import createDebug from 'debug';",
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import {\n  c,\n  type C,\n} from './c.js';",
      "export { d } from './d.js';",
      "export type { E } from './e.js';",
      "const f = await import('./f.js');",
      "import './g.js';",
      "import x from '../outside.js';",
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(['../outside.ts', 'a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts', 'f.ts', 'g.ts']);
  });

  it('finds a cycle, of any length, and none where there is none', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeUndefined();
  });

  it('sees the modules of src/ and what they import', () => {
    const graph = sourceGraph();
    expect(graph.get('http/handler.ts')).toEqual(expect.arrayContaining(['http/coalesced-get.ts', 'http/types.ts', 'errors.ts']));
    expect(graph.get('http/coalesced-get.ts')).toContain('http/types.ts');
    for (const imports of graph.values()) for (const module of imports) expect(graph.has(module)).toBe(true);
  });

  it('proves the pool file-free: no module of src/pool/ reaches src/stores/file/, even through others', () => {
    const graph = sourceGraph();
    const reached = new Set([...graph.keys()].filter((file) => file.startsWith('pool/')));
    for (const file of reached) for (const module of graph.get(file) ?? []) reached.add(module);
    expect(reached.size).toBeGreaterThan(5);
    expect([...reached].filter((file) => file.startsWith('stores/') && file !== 'stores/types.ts')).toEqual([]);
  });

  it('finds none in src/', () => {
    expect(findCycle(sourceGraph())).toBeUndefined();
  });

  it('keeps the layers: persona <- stores <- pool <- http, cli; stores/types.ts without node:fs; the root entry without postgres', () => {
    const graph = sourceGraph();
    const breaks: string[] = [];
    const forbid = (from: (file: string) => boolean, to: (module: string) => boolean, rule: string) => {
      for (const [file, imports] of graph) for (const module of imports) if (from(file) && to(module)) breaks.push(`${file} -> ${module} (${rule})`);
    };
    const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);
    const any = (...tests: ((file: string) => boolean)[]) => (file: string) => tests.some((test) => test(file));
    forbid(under('persona'), any(under('pool'), under('stores'), under('http'), under('cli')), 'persona is the bottom layer');
    forbid(under('stores'), any(under('pool'), under('http'), under('cli')), 'stores know nothing of the pool');
    forbid(under('pool'), any(under('http'), under('cli')), 'the pool knows nothing of http or cli');
    forbid(under('pool'), any(under('stores/file'), under('stores/memory'), under('stores/postgres')), 'the pool knows no kind of store, only stores/types.ts');
    expect(breaks).toEqual([]);
    const reached = new Set(['index.ts']);
    for (const file of reached) for (const module of graph.get(file) ?? []) reached.add(module);
    expect(reached.has('pool/pool.ts')).toBe(true);
    expect([...reached].filter(under('stores/postgres'))).toEqual([]);
    const types = fs.readFileSync(join(SRC, 'stores', 'types.ts'), 'utf8');
    expect(types).not.toMatch(/from\s*['"](node:)?fs(\/promises)?['"]/);
    expect(importsOf(types)).toEqual([]);
  });
});
