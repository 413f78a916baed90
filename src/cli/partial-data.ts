/**
 * Exit code 3's promise: one stderr line per repo whose data is missing or stale, even with
 * --quiet — cron mails only what is printed, and a broken repo must not go unseen.
 */
import { healthLines } from '../report/audit-render.js';
import { safeLine } from '../sanitize.js';
import type { RepoHealth } from '../store/index.js';

/** One line per unhealthy repo, except those this run's crawl has already named. */
export function warnPartialData(health: readonly RepoHealth[], alreadyNamed: ReadonlySet<string> = new Set()): void {
  for (const line of healthLines(health.filter((h) => !alreadyNamed.has(h.repoId)))) process.stderr.write(`repoclash: repo ${safeLine(line)}\n`);
}
