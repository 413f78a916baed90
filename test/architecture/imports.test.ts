/**
 * The pipeline, enforced: every import between two folders of src/ must be an edge the table
 * "Allowed imports" in docs/architecture.md lists. The table is read from the document itself, so
 * the document and this test cannot disagree. Imports are found by TypeScript's own pre-processor
 * (import, export … from, import(), `import type` alike), never by a regex over the source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const srcDir = path.join(repoRoot, 'src');
const architectureDoc = path.join(repoRoot, 'docs', 'architecture.md');
/** The files directly under src/ (errors.ts, sanitize.ts) are one layer under this name. */
const COMMON = 'common';

/** folder → the folders it may import, from the doc's table rows "| `folder` | `a`, `b` |". */
function allowedEdges(markdown: string): Map<string, Set<string>> {
  const section = /^## Allowed imports\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (!section) throw new Error('docs/architecture.md has no "## Allowed imports" section');
  const table = new Map<string, Set<string>>();
  for (const line of section[1]!.split('\n')) {
    const row = /^\|\s*`([a-z-]+)`\s*\|([^|]*)\|/.exec(line);
    if (!row) continue;
    const targets = [...row[2]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!);
    table.set(row[1]!, new Set(targets));
  }
  return table;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The layer a file of src/ belongs to: its first folder under src/, or `common` for src/*.ts. */
function folderOf(file: string): string {
  const parts = path.relative(srcDir, file).split(path.sep);
  return parts.length === 1 ? COMMON : parts[0]!;
}

interface Edge {
  file: string;
  target: string;
  from: string;
  to: string;
}

/** Every relative import of every file in src/, as a folder → folder edge. */
function importEdges(files: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName).replace(/\.js$/, '.ts');
      edges.push({ file: path.relative(repoRoot, file), target: path.relative(repoRoot, target), from: folderOf(file), to: folderOf(target) });
    }
  }
  return edges;
}

/** The edges the table does not allow, one line each naming the file, the import and the edge. */
function violations(edges: readonly Edge[], allowed: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  return edges
    .filter((e) => e.from !== e.to && !allowed.get(e.from)?.has(e.to))
    .map((e) => `${e.file} imports ${e.target}: ${e.from} → ${e.to} is not an allowed import (docs/architecture.md, "Allowed imports")`);
}

describe('the import graph of src/', () => {
  const allowed = allowedEdges(readFileSync(architectureDoc, 'utf8'));
  const files = sourceFiles(srcDir);

  it('lists every folder of src/ in the table, and only those', () => {
    const folders = [...new Set(files.map(folderOf))].sort();
    expect([...allowed.keys()].sort()).toEqual(folders);
    for (const targets of allowed.values()) for (const t of targets) expect(folders).toContain(t);
  });

  it('has no import between folders that the table does not allow', () => {
    const edges = importEdges(files);
    // The reader must see the imports at all: a broken parser would pass everything.
    expect(edges.filter((e) => e.from !== e.to).length).toBeGreaterThan(100);
    expect(violations(edges, allowed)).toEqual([]);
  });

  it('nothing imports cli or run: they sit on top of the pipeline', () => {
    for (const [from, targets] of allowed) {
      if (from !== 'cli') expect(targets.has('cli'), `${from} may import cli`).toBe(false);
      if (from !== 'cli' && from !== 'run') expect(targets.has('run'), `${from} may import run`).toBe(false);
    }
  });
});

describe('the checker itself', () => {
  it('names the file and the edge of an import the table does not allow', () => {
    const allowed = new Map([
      ['formats', new Set(['common'])],
      ['analysis', new Set(['formats', 'common'])],
    ]);
    const edges: Edge[] = [
      { file: 'src/analysis/a.ts', target: 'src/formats/types.ts', from: 'analysis', to: 'formats' },
      { file: 'src/formats/b.ts', target: 'src/analysis/types.ts', from: 'formats', to: 'analysis' },
      { file: 'src/formats/c.ts', target: 'src/formats/types.ts', from: 'formats', to: 'formats' },
    ];
    expect(violations(edges, allowed)).toEqual([
      'src/formats/b.ts imports src/analysis/types.ts: formats → analysis is not an allowed import (docs/architecture.md, "Allowed imports")',
    ]);
  });

  it('reads the table rows of the "Allowed imports" section only', () => {
    const doc = [
      '# A', '| `x` | `y` |', '## Allowed imports', 'text', '| folder | may import |', '|---|---|',
      '| `formats` | `common` |', '| `common` | — |', '| `check` | `analysis`, `formats` |', '## Next', '| `z` | `w` |',
    ].join('\n');
    expect(allowedEdges(doc)).toEqual(
      new Map([
        ['formats', new Set(['common'])],
        ['common', new Set()],
        ['check', new Set(['analysis', 'formats'])],
      ]),
    );
  });
});
