/**
 * Time a whole process as a user runs it — start-up included — with GNU time, which reports the
 * process's own peak RSS (getrusage of the child). Used for repoclash's commands and for the peers
 * they are compared with (apt-get, sqlite3, python3-apt, rpmmd2solv), so both sides are measured
 * the same way in the same run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The built CLI, as `npm run repoclash` runs it. */
export const cliPath = path.join(repoRoot, 'dist', 'cli', 'bin.js');

/** `npm run build`: the commands are timed from the compiled CLI a user runs. */
export function buildCli(): void {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

export interface ProcessTiming {
  /** Wall-clock seconds. */
  seconds: number;
  /** User + system CPU seconds. */
  cpuSeconds: number;
  maxRssBytes: number;
  code: number | null;
  /** The command's own stderr (GNU time's line removed). */
  stderr: string;
}

const MARK = '@@time@@';

export interface TimeProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout goes: a file path, or discarded. */
  stdoutFile?: string;
  stdinFile?: string;
}

export function timeProcess(command: string, args: readonly string[], options: TimeProcessOptions = {}): Promise<ProcessTiming> {
  return new Promise((resolve, reject) => {
    const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'ignore';
    const stdin = options.stdinFile ? openSync(options.stdinFile, 'r') : 'ignore';
    const child = spawn('/usr/bin/time', ['-f', `${MARK} %e %U %S %M`, command, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [stdin, stdout, 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof stdout === 'number') closeSync(stdout);
      if (typeof stdin === 'number') closeSync(stdin);
      const at = stderr.lastIndexOf(MARK);
      if (at === -1) return reject(new Error(`${command}: no timing from /usr/bin/time (${stderr.trim().slice(-200)})`));
      const [wall, user, sys, rssKb] = stderr.slice(at + MARK.length).trim().split(/\s+/).map(Number) as [number, number, number, number];
      resolve({ seconds: wall, cpuSeconds: user + sys, maxRssBytes: rssKb * 1024, code, stderr: stderr.slice(0, at).replace(/Command exited with non-zero status \d+\n$/, '') });
    });
  });
}

/** Best (lowest wall time) of `runs` timings. */
export async function bestTiming(runs: number, run: () => Promise<ProcessTiming>): Promise<ProcessTiming> {
  let best: ProcessTiming | null = null;
  for (let i = 0; i < runs; i++) {
    const t = await run();
    if (best === null || t.seconds < best.seconds) best = t;
  }
  return best!;
}

export const MB = 1e6;
export const ratio = (ours: number, peer: number): string => `${(ours / peer).toFixed(2)}×`;

