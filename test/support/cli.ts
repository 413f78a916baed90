/**
 * The one way tests run the CLI: a child process from source, as cron would — its own HOME and XDG
 * dirs under the working directory (or the test's own environment), no TTY, stdin from a string or
 * nothing, optionally piped into a shell command, killed on a condition, or measured for peak RSS.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliArgs, repoRoot } from './paths.js';
import { withTestStore } from './test-store.js';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the process in bytes, when `measureRss` was asked for. */
  peakRssBytes?: number;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface RunOptions {
  /** Merged over the environment chosen by `home`. */
  env?: NodeJS.ProcessEnv;
  /**
   * `own` (the default): HOME, XDG_DATA_HOME and XDG_CACHE_HOME under the working directory, so the
   * run cannot see or touch the user's files. `inherited`: the test process's environment as it is —
   * for runs that must see the machine's own config, or an installroot whose rpmdb rpm looks up
   * through $HOME.
   */
  home?: 'own' | 'inherited';
  /** Written to stdin, which is otherwise closed. */
  input?: string;
  /** Polled every 5 ms; when it returns true the process gets SIGKILL. */
  killWhen?: () => boolean;
  /**
   * A shell command to pipe stdout into, e.g. `head -1`: `stdout` is then that command's output,
   * while `code`, `signal` and `stderr` stay repoclash's own.
   */
  pipeTo?: string;
  /** Report the child's peak RSS (getrusage at exit) as `peakRssBytes`. */
  measureRss?: boolean;
}

const rssProbe = pathToFileURL(path.join(repoRoot, 'test/support/rss-probe.mjs')).href;

export function repoclash(cwd: string, args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const rssFile = options.measureRss ? path.join(cwd, `.rss-${process.pid}-${Math.random().toString(36).slice(2)}`) : null;
    const started = Date.now();
    const command = [process.execPath, ...(rssFile ? ['--import', rssProbe] : []), ...cliArgs, ...withTestStore(args)];
    // bash keeps repoclash's exit status in PIPESTATUS; its stderr is repoclash's (the reader's too).
    const [file, ...argv] = options.pipeTo ? ['bash', '-c', `"$@" | ${options.pipeTo}; exit \${PIPESTATUS[0]}`, 'repoclash', ...command] : command;
    const child = spawn(file!, argv, {
      cwd,
      env: {
        ...process.env,
        ...(options.home === 'inherited' ? {} : { HOME: cwd, XDG_DATA_HOME: path.join(cwd, 'data'), XDG_CACHE_HOME: path.join(cwd, 'cache') }),
        ...(rssFile ? { REPOCLASH_TEST_RSS_FILE: rssFile } : {}),
        ...options.env,
      },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) {
      // A run that exits before reading all its input must not fail the test with EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
    let stdout = '';
    let stderr = '';
    // Decoded as streams, so a character split across two chunks stays whole.
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.killWhen
      ? setInterval(() => {
          if (options.killWhen!()) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 5)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      const run: Run = { code, signal, stdout, stderr, ms: Date.now() - started };
      if (rssFile) {
        run.peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      }
      resolve(run);
    });
  });
}
