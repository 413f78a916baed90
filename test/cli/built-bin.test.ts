/**
 * The README's first command ends in `npx repoclash …` inside a fresh clone: npm runs the package's
 * own `bin` file directly, so the build must leave dist/cli/bin.js executable (tsc writes 0644, and
 * a fresh clone's first `npx repoclash` then failed with "Permission denied", exit 127).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

describe('the built command', () => {
  it('npm run build leaves dist/cli/bin.js executable, and it runs as a program', () => {
    const bin = path.join(repoRoot, 'dist/cli/bin.js');
    try {
      chmodSync(bin, 0o644); // as a fresh tsc output is
    } catch {
      // not built yet: the build below creates it
    }
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const run = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });
});
