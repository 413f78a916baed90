/** `repoclash audit`'s work (registered in audit.ts): read the store, find, render, exit code. */
import { runAudit } from '../analysis/audit.js';
import { atOrAbove, FINDING_KINDS } from '../analysis/findings.js';
import type { FindingKind } from '../analysis/types.js';
import { UsageError } from '../errors.js';
import { renderAuditMarkdown, renderAuditText } from '../report/audit-render.js';
import { safeJson } from '../sanitize.js';
import { loadAuditData } from '../run/analysis-input.js';
import { startRun } from '../run/context.js';
import { refreshIfAsked } from '../run/refresh.js';
import { crawlFirst, queryStore } from '../run/store-access.js';
import { ExitCode, verdict } from './exit-codes.js';
import { warnPartialData } from './partial-data.js';
import type { AuditOptions } from './audit.js';

export async function runAuditCommand(options: AuditOptions): Promise<number> {
  const kinds = (options.kind ?? []) as FindingKind[];
  for (const k of kinds) if (!FINDING_KINDS.includes(k)) throw new UsageError(`unknown kind "${k}" (known: ${FINDING_KINDS.join(', ')})`);
  const run = await startRun(options);
  const crawled = await refreshIfAsked(run, options);
  const audited = await queryStore(run, crawlFirst('audit'), (store) => {
    const data = loadAuditData(store, run.config, run.selectedProfiles, Date.now(), { includePrereleases: options.prereleases === true });
    const profiles = run.selectedProfiles.map((p) => p.name);
    return { data, result: runAudit(data.input, { ...(kinds.length ? { kinds } : {}), profiles, windowDays: options.windowDays }) };
  });
  if (!audited) return ExitCode.partial;
  const { data, result } = audited;
  const fails = result.findings.some((f) => atOrAbove(f.severity, options.failOn));
  const renderOptions = { all: options.all === true, failOn: options.failOn };
  if (options.format === 'json') process.stdout.write(safeJson({ ...result, partialData: data.health.filter((h) => h.missing || h.lastFailure) }));
  else if (!options.quiet || fails) process.stdout.write((options.format === 'markdown' ? renderAuditMarkdown : renderAuditText)(result, data.health, renderOptions));
  if (data.partial) warnPartialData(data.health, crawled?.failedRepos);
  return verdict(fails, data.partial);
}
