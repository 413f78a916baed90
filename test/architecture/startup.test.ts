/**
 * Start-up stays cheap: what `repoclash` loads before it knows the command (every --help,
 * --version and usage error, and the first step of every command) is the command registrations,
 * never the crawler, the store or the analysis. A command's work is behind a dynamic import() in
 * its action (src/cli/NAME-action.ts). Read from the sources' own imports by TypeScript's parser:
 * static imports that survive compilation count, `import type` and `import()` do not.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const srcDir = path.join(repoRoot, 'src');
const entry = path.join(srcDir, 'cli', 'bin.ts');

/** Packages whose loading is a command's cost, not start-up's (SQLite, HTTP, YAML/XML, mail, PNG, pools, semver). */
const HEAVY_PACKAGES = ['better-sqlite3', 'got', 'yaml', 'xml2js', 'nodemailer', 'pngjs', 'p-limit', 'semver'];

/** The folders whose modules are a command's work. */
const STAGES = /^(store|config|report|check|fetch|crawl|run|host|fleet|upstream|analysis|formats\/(deb|rpm|xml))\//;
/** The modules of those folders that registering the commands needs: the options table and leaf modules of constants. */
const START_UP_LEAVES = new Set([
  'run/options.ts',
  'run/numeric-options.ts',
  'crawl/defaults.ts',
  'fetch/policy.ts',
  'analysis/defaults.ts',
  'analysis/findings.ts',
  'host/types.ts',
  'fleet/types.ts',
  'upstream/types.ts',
  // vercmp compares in-process and keeps its few version modules eager (a test calls runVercmpBatch directly).
  'formats/deb/version.ts',
  'formats/deb/upstream.ts',
  'formats/rpm/version.ts',
]);

interface Imports {
  /** Relative imports loaded with the importing module. */
  eager: string[];
  /** Relative import() calls: loaded when that code runs. */
  lazy: string[];
  /** Package names imported eagerly. */
  packages: string[];
}

/** A module's imports, split by when they load; type-only imports are erased by the compiler. */
function importsOf(file: string): Imports {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const result: Imports = { eager: [], lazy: [], packages: [] };
  const add = (specifier: string, lazy: boolean) => {
    if (!specifier.startsWith('.')) {
      if (!lazy) result.packages.push(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      return;
    }
    (lazy ? result.lazy : result.eager).push(path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (!clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) add(node.moduleSpecifier.text, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) add(node.moduleSpecifier.text, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return result;
}

/** Every module loaded from `start`: its eager imports, transitively, and with `followLazy` its import() calls too. */
function closure(start: string, followLazy: boolean): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    expect(existsSync(file), `${path.relative(repoRoot, file)} (imported) exists`).toBe(true);
    files.add(file);
    const imports = importsOf(file);
    for (const p of imports.packages) packages.add(p);
    queue.push(...imports.eager, ...(followLazy ? imports.lazy : []));
  }
  return { files, packages };
}

const relative = (files: Iterable<string>) => [...files].map((f) => path.relative(srcDir, f).split(path.sep).join('/')).sort();

describe('what repoclash loads at start', () => {
  const atStart = closure(entry, false);

  it('loads no pipeline stage: no store, crawler, fetcher, configuration reader, renderer or analysis run', () => {
    const heavy = relative(atStart.files).filter((f) => f.endsWith('-action.ts') || (STAGES.test(f) && !START_UP_LEAVES.has(f)));
    expect(heavy).toEqual([]);
  });

  it('loads none of the heavy packages', () => {
    expect([...atStart.packages].filter((p) => HEAVY_PACKAGES.includes(p))).toEqual([]);
  });

  it('a command that reads the store loads the crawler only when it crawls (--refresh)', () => {
    for (const action of ['audit', 'host', 'check', 'report']) {
      const loaded = relative(closure(path.join(srcDir, 'cli', `${action}-action.ts`), false).files);
      expect(loaded.filter((f) => f.startsWith('crawl/') && f !== 'crawl/defaults.ts' && f !== 'crawl/context.ts'), action).toEqual([]);
    }
  });

  it('a crawl loads the crawler and parsers of a format only when it crawls a repo of that format', () => {
    const loaded = relative(closure(path.join(srcDir, 'crawl', 'crawl.ts'), false).files);
    // The version modules every command loads (START_UP_LEAVES) aside.
    expect(loaded.filter((f) => /^crawl\/(deb|rpm)\.ts$|^formats\/(deb|rpm|xml)\//.test(f) && !START_UP_LEAVES.has(f))).toEqual([]);
  });

  it('reaches every command through its action: the lazy imports lead to the store, the crawler and the analysis', () => {
    const all = relative(closure(entry, true).files);
    for (const f of ['cli/audit-action.ts', 'cli/crawl-action.ts', 'cli/host-action.ts', 'cli/check-action.ts', 'cli/report-action.ts', 'cli/upstream-action.ts', 'cli/store-action.ts', 'store/index.ts', 'crawl/crawl.ts', 'crawl/deb.ts', 'crawl/rpm.ts', 'analysis/audit.ts']) {
      expect(all).toContain(f);
    }
  });
});
