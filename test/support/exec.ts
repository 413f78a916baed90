/**
 * Run an external tool and collect its output. Test helpers shell out to the real rpm/dpkg/apt/dnf
 * tools; this keeps spawn boilerplate and error messages (command, exit code, stderr) in one place.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  /** Merged over process.env. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** When false (default) a non-zero exit rejects with the command line and stderr. */
  allowFailure?: boolean;
}

export class ToolFailedError extends Error {
  constructor(
    readonly command: string,
    readonly result: ExecResult,
  ) {
    super(
      `${command} exited ${result.code}\n--- stderr ---\n${result.stderr.slice(-4000)}\n--- stdout ---\n${result.stdout.slice(-2000)}`,
    );
    this.name = 'ToolFailedError';
  }
}

export function execTool(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      // Tools are parsed by their English output: pin the locale.
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result: ExecResult = {
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !opts.allowFailure) {
        reject(new ToolFailedError([cmd, ...args].join(' '), result));
      } else {
        resolve(result);
      }
    });
    if (child.stdin) {
      // A tool that exits without reading its input must not crash the test with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

/** Run async jobs with at most `limit` in flight (2 cores: more rpmbuilds only thrash). */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Two specs that map to one file name (same NEVRA, different vendor, say) would silently overwrite each other. */
export function assertDistinctFileNames(files: readonly string[], outDir: string): void {
  const seen = new Set<string>();
  for (const f of files) {
    const name = path.basename(f);
    if (seen.has(name)) throw new Error(`two specs produce ${name} in ${outDir}; put them in different directories`);
    seen.add(name);
  }
}
