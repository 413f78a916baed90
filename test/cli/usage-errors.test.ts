/**
 * Usage errors as cron and a typing user see them: exit 2, one line on stderr naming the option and
 * what was given, a pointer to --help — never the whole help text, never a stack trace, and never a
 * bad number handed on (a negative timeout used to crash inside the HTTP client with exit 1).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash, type Run } from '../support/cli.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-usage-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function expectUsageLine(run: Run, line: string): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(`${line}\n`);
}

describe.concurrent('numeric options', () => {
  // Each case runs before any config or store is read: parsing alone must refuse it.
  const cases: Array<[string[], string]> = [
    [['crawl', '--timeout', '-5'], 'repoclash: --timeout must be a positive number of seconds (at most 86400), got "-5" (see \'repoclash crawl --help\')'],
    [['crawl', '--timeout', 'abc'], 'repoclash: --timeout must be a positive number of seconds (at most 86400), got "abc" (see \'repoclash crawl --help\')'],
    [['crawl', '--timeout', '0'], 'repoclash: --timeout must be a positive number of seconds (at most 86400), got "0" (see \'repoclash crawl --help\')'],
    [['crawl', '--concurrency', '0'], 'repoclash: --concurrency must be a whole number from 1 to 64, got "0" (see \'repoclash crawl --help\')'],
    [['crawl', '--concurrency', '2.5'], 'repoclash: --concurrency must be a whole number from 1 to 64, got "2.5" (see \'repoclash crawl --help\')'],
    [['crawl', '--retries', '-1'], 'repoclash: --retries must be a whole number from 0 to 20, got "-1" (see \'repoclash crawl --help\')'],
    [['audit', '--window-days', 'abc'], 'repoclash: --window-days must be a positive whole number of days, got "abc" (see \'repoclash audit --help\')'],
    [['audit', '--window-days', '-3'], 'repoclash: --window-days must be a positive whole number of days, got "-3" (see \'repoclash audit --help\')'],
    [['host', '--timeout', '1e3'], 'repoclash: --timeout must be a positive number of seconds (at most 86400), got "1e3" (see \'repoclash host --help\')'],
    [['report', '--window-days', ''], 'repoclash: --window-days must be a positive whole number of days, got "" (see \'repoclash report --help\')'],
  ];
  it.each(cases)('%j → exit 2 and one line', async (args, line) => {
    expectUsageLine(await repoclash(work, args), line);
  });

  it('a valid value is taken: crawl --timeout 0.5 --concurrency 1 --retries 0 runs (nothing configured to fail)', async () => {
    const run = await repoclash(work, ['crawl', '--config', path.join(work, 'missing.yaml'), '--timeout', '0.5', '--concurrency', '1', '--retries', '0']);
    // The options parse; what fails is the missing config file, a configuration error.
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^repoclash: .*missing\.yaml.*\n$/);
    expect(run.stderr).not.toMatch(/--timeout|--concurrency|--retries/);
  });
});

describe.concurrent('other usage errors', () => {
  it('an unknown option: one line with the suggestion and the --help pointer, no help text', async () => {
    expectUsageLine(await repoclash(work, ['audit', '--fromat', 'json']), "repoclash: unknown option '--fromat' (Did you mean --format?) (see 'repoclash audit --help')");
  });

  it('a missing argument and an option without its value', async () => {
    expectUsageLine(await repoclash(work, ['check']), "repoclash: missing required argument 'name-or-file' (see 'repoclash check --help')");
    expectUsageLine(await repoclash(work, ['crawl', '--timeout']), "repoclash: option '--timeout <seconds>' argument missing (see 'repoclash crawl --help')");
  });

  it('an unknown command', async () => {
    expectUsageLine(await repoclash(work, ['audti']), "repoclash: unknown command 'audti' (Did you mean audit?) (see 'repoclash --help')");
  });

  it('a usage error found by the command itself gets the same pointer', async () => {
    expectUsageLine(await repoclash(work, ['audit', '--kind', 'clashes']), "repoclash: unknown kind \"clashes\" (known: clash, pingpong, rollback, regression, lag) (see 'repoclash audit --help')");
  });
});
