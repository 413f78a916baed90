import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runVercmpBatch } from '../../src/cli/vercmp.js';
import { main } from '../../src/cli/main.js';
import { repoclash } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';

/** Run the command in this process, capturing what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Run the real CLI entry point as a user would. */
function spawnCli(args: string[], input?: string) {
  return repoclash(repoRoot, ['vercmp', ...args], { home: 'inherited', input });
}

let savedExitCode: typeof process.exitCode;
beforeEach(() => {
  savedExitCode = process.exitCode;
  process.exitCode = undefined;
});
afterEach(() => {
  process.exitCode = savedExitCode;
});

describe('repoclash vercmp A B (in process)', () => {
  it.each([
    ['rpm', '1.0-1', '2.0-1', '1.0-1 < 2.0-1\n', 12],
    ['rpm', '2.0-1', '1.0-1', '2.0-1 > 1.0-1\n', 11],
    ['rpm', '0:1.0-1', '1.0-1', '0:1.0-1 == 1.0-1\n', 0],
    ['rpm', '1:9.0.0-1.fc40', '10.4.2-1', '1:9.0.0-1.fc40 > 10.4.2-1\n', 11],
    ['rpm', '1.0^git1', '1.0', '1.0^git1 > 1.0\n', 11],
    ['deb', '1.0~rc1-1', '1.0-1', '1.0~rc1-1 < 1.0-1\n', 12],
    ['deb', '1:1.0', '2.0', '1:1.0 > 2.0\n', 11],
    ['deb', '1.0000-1', '1.0-1', '1.0000-1 == 1.0-1\n', 0],
  ])('--scheme %s %s %s', async (scheme, a, b, line, code) => {
    const result = await run(['vercmp', '--scheme', scheme, a, b]);
    expect(result.stdout).toBe(line);
    expect(result.code).toBe(code);
    expect(result.stderr).toBe('');
  });

  it('accepts a version dpkg only warns about, and passes the warning on', async () => {
    const result = await run(['vercmp', '--scheme', 'deb', '5.2@3-2', '5.2-2']);
    expect(result.code).toBe(11);
    expect(result.stdout).toBe('5.2@3-2 > 5.2-2\n');
    expect(result.stderr).toContain("version '5.2@3-2' has bad syntax: invalid character in version number");
  });

  it('exits 2 naming the problem for an invalid deb version', async () => {
    const result = await run(['vercmp', '--scheme', 'deb', '1.0-', '1.0']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("version '1.0-' has bad syntax: revision number is empty");
  });

  it('exits 2 for an rpm version without a version part', async () => {
    const result = await run(['vercmp', '--scheme', 'rpm', '1:-1', '1.0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/1:-1.*empty/);
  });

  it.each([
    [['vercmp', '1.0', '2.0']],
    [['vercmp', '--scheme', 'zip', '1.0', '2.0']],
    [['vercmp', '--scheme', 'rpm', '1.0']],
  ])('exits 2 on bad usage: %j', async (args) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toBe('');
  });
});

describe('runVercmpBatch', () => {
  it('answers every line in order', () => {
    const result = runVercmpBatch('rpm', '1.0\t2.0\n2.0\t1.0\n1.0-1\t0:1.0-1\n1.0~rc1\t1.0\n');
    expect(result).toEqual({ stdout: '-1\n1\n0\n-1\n', stderr: '', failed: false });
  });
  it('handles CRLF, no trailing newline, and empty input', () => {
    expect(runVercmpBatch('deb', '1.0\t1.0-0\r\n1~\t1').stdout).toBe('0\n-1\n');
    expect(runVercmpBatch('deb', '')).toEqual({ stdout: '', stderr: '', failed: false });
  });
  it('marks bad lines, names their line numbers, and keeps going', () => {
    const result = runVercmpBatch('deb', '1.0\t2.0\nno tab here\n1.0-\t1.0\n3.0\t2.0\n');
    expect(result.stdout).toBe('-1\nerror\nerror\n1\n');
    expect(result.failed).toBe(true);
    const problems = result.stderr.trim().split('\n');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^repoclash vercmp: line 2: /);
    expect(problems[1]).toBe("repoclash vercmp: line 3: version '1.0-' has bad syntax: revision number is empty");
  });
  it('reports dpkg warnings without failing', () => {
    const result = runVercmpBatch('deb', 'foo5.2\t5.2\n');
    expect(result.stdout).toBe('1\n');
    expect(result.failed).toBe(false);
    expect(result.stderr).toContain('line 1: warning: ');
  });
});

describe('repoclash vercmp (spawned CLI)', () => {
  it('prints the relation and exits like rpmdev-vercmp', async () => {
    const result = await spawnCli(['--scheme', 'rpm', '1.0-1', '2.0-1']);
    expect(result.stdout).toBe('1.0-1 < 2.0-1\n');
    expect(result.code).toBe(12);
  });

  it('exits 2 for an invalid deb version', async () => {
    const result = await spawnCli(['--scheme', 'deb', ':1.0', '1.0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("version ':1.0' has bad syntax: epoch in version is empty");
  });

  it('--batch reads stdin, answers every line, and exits 2 at the end when a line is bad', async () => {
    const lines = ['1.0-1\t1.0-2', '2:1\t1:9', 'garbage', '1.0\t1.0'];
    const result = await spawnCli(['--scheme', 'deb', '--batch'], lines.join('\n') + '\n');
    expect(result.stdout).toBe('-1\n1\nerror\n0\n');
    expect(result.stderr).toMatch(/line 3/);
    expect(result.code).toBe(2);
  });

  it('--batch is fast: 100k lines well within a few seconds', async () => {
    const input = Array.from({ length: 100_000 }, (_, k) => `1:${k % 97}.${k}-1~bpo${k % 7}\t1:${k % 89}.${k}-1`).join('\n') + '\n';
    const started = performance.now();
    const result = await spawnCli(['--scheme', 'deb', '--batch'], input);
    const seconds = (performance.now() - started) / 1000;
    expect(result.code).toBe(0);
    const answers = result.stdout.split('\n');
    expect(answers).toHaveLength(100_001);
    expect(answers[0]).toBe('-1'); // 1:0.0-1~bpo0 < 1:0.0-1
    expect(seconds).toBeLessThan(10);
  });
});
