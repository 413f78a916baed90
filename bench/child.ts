/**
 * Run a benchmark child process (a script under tsx, or a peer's script) in its own process, so its
 * peak RSS is its own, and read the JSON it prints as its last stdout line.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/** Any command printing one JSON result as its last stdout line. */
export function runJsonProcess<T>(command: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    // Started through GNU time, which forks it: a child forked straight from this (large) process
    // would inherit its peak RSS, since Linux carries ru_maxrss across fork and exec.
    const child = spawn('/usr/bin/time', ['-o', '/dev/null', command, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** A bench/ script under tsx. */
export function runBenchChild<T>(script: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  return runJsonProcess<T>(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(here, script), ...args]);
}

/** A bench/ Python script (a peer using python3-apt). */
export function runPythonChild<T>(script: string, args: string[]): Promise<T> {
  // Debian's python3, where python3-apt lives (a python3 earlier on PATH may lack it).
  return runJsonProcess<T>('/usr/bin/python3', [path.join(here, script), ...args]);
}
