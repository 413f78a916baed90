/** `repoclash host` output: text for people, one line for a motd; JSON is the report itself. */
import type { HostAction, HostFix, HostReport, HostRisk, HostTarget } from '../host/types.js';
import { safeText } from '../sanitize.js';

const ACTION_WORDS: Record<HostAction, [string, string]> = {
  'vendor-change': ['vendor change', 'vendor changes'],
  downgrade: ['downgrade', 'downgrades'],
  stranded: ['stranded', 'stranded'],
  blocked: ['blocked', 'blocked'],
  'kept-back': ['kept back', 'kept back'],
  upgrade: ['upgrade', 'upgrades'],
  none: ['unchanged', 'unchanged'],
};

function n(count: number): string {
  return count.toLocaleString('en');
}

function countLine(counts: Record<HostAction, number>): string {
  const order: HostAction[] = ['vendor-change', 'downgrade', 'kept-back', 'stranded', 'blocked', 'upgrade'];
  const parts = order.filter((a) => counts[a] > 0).map((a) => `${n(counts[a])} ${ACTION_WORDS[a][counts[a] === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

function targetText(t: HostTarget): string {
  // Obsoletes: the package that replaces the installed one is named.
  return `${t.name !== undefined ? `${t.name} ` : ''}${t.evr} from repo ${t.repo} (${t.vendor})${t.name !== undefined ? ', which obsoletes it' : ''}`;
}

function moveText(action: HostAction, to: HostTarget | null, r: HostRisk): string {
  switch (action) {
    case 'vendor-change':
      return `vendor change ${r.from.vendor} → ${to ? targetText(to) : '?'}`;
    case 'downgrade':
      return `DOWNGRADE to ${to ? targetText(to) : '?'}`;
    case 'upgrade':
      return `upgrade to ${to ? targetText(to) : '?'}`;
    case 'stranded':
      return 'stranded (gets no updates)';
    case 'blocked':
      return 'blocked (every version excluded)';
    case 'kept-back':
      // apt's own words; what it would have done, had it been allowed to install or remove.
      return r.keptBack ? `kept back (would be: ${moveText(r.keptBack.wouldBe, r.keptBack.to, r)})` : 'kept back';
    case 'none':
      return 'stays';
  }
}

function fixLines(fix: HostFix, first: boolean): string[] {
  const label = `${first ? 'fix' : 'or '}${fix.verified ? '' : fix.kind === 'advice' ? '' : ' (unverified)'}`;
  if (fix.kind === 'advice') return [`    ${first ? 'note' : 'also'}: ${fix.text}`];
  const where = fix.kind === 'apt-preferences' ? `create ${fix.file}:` : `in ${fix.file}, section [${fix.section}]:`;
  return [`    ${label}: ${fix.summary} — ${where}`, ...fix.text.trimEnd().split('\n').map((l) => `        ${l}`)];
}

function riskBlock(report: HostReport, r: HostRisk): string[] {
  const from = r.from.repo ? `${r.from.vendor}, repo ${r.from.repo}` : r.from.vendor.startsWith('(unknown') ? 'in no enabled repo' : `${r.from.vendor}, in no enabled repo`;
  const lines = [`  ${r.name}.${r.arch} ${r.installed} (${from})${r.installOnly ? ' [install-only: a new version goes beside it]' : ''}`];
  lines.push(`    ${report.commands.upgrade}: ${moveText(r.action, r.to, r)}`);
  if (r.syncAction !== r.action || JSON.stringify(r.syncTo) !== JSON.stringify(r.to)) lines.push(`    ${report.commands.sync}: ${moveText(r.syncAction, r.syncTo, r)}`);
  if (r.action !== 'upgrade' || r.risky) lines.push(`    why: ${r.reason}`);
  if (r.history.clash) lines.push(`    clash (${r.history.clash.severity}): ${r.history.clash.title}`);
  if (r.history.pingpong) lines.push(`    ping-pong (${r.history.pingpong.severity}): ${r.history.pingpong.title}`);
  r.fixes.forEach((f, i) => lines.push(...fixLines(f, i === 0)));
  return lines;
}

export function renderHostText(report: HostReport, options: { all?: boolean } = {}): string {
  const out: string[] = [];
  out.push(
    `repoclash host: ${n(report.installedCount)} installed packages (${report.installedSource}), ${n(report.repoCount)} repos, ${report.manager}'s rules`,
    `  ${report.commands.upgrade}: ${countLine(report.counts)}`,
    `  ${report.commands.sync}: ${countLine(report.syncCounts)}`,
  );
  const risky = report.packages.filter((p) => p.risky);
  const notable = report.packages.filter((p) => !p.risky && (p.action !== 'upgrade' || p.syncAction !== 'upgrade' || p.history.clash || p.history.pingpong) && !(p.action === 'none' && p.syncAction === 'none' && !p.history.clash && !p.history.pingpong));
  const upgrades = report.packages.filter((p) => !p.risky && !notable.includes(p));
  if (risky.length) {
    out.push('', `RISKY (${n(risky.length)}; --fail-on ${report.failOn.join(',')})`);
    for (const r of risky) out.push(...riskBlock(report, r));
  } else {
    out.push('', `No risky changes (--fail-on ${report.failOn.join(',')}).`);
  }
  if (report.combinedFixes.length > 1 || (report.combinedFixes.length === 1 && risky.filter((r) => r.fixes.some((f) => f.kind === 'dnf-excludepkgs')).length > 1)) {
    out.push('', 'ALL EXCLUDES TOGETHER (one line per section; the lines above would overwrite each other)');
    for (const f of report.combinedFixes) out.push(...fixLines(f, true));
  }
  if (notable.length) {
    out.push('', `WATCH (${n(notable.length)})`);
    for (const r of notable) out.push(...riskBlock(report, r));
  }
  if (options.all && upgrades.length) {
    out.push('', `SAME-VENDOR UPGRADES (${n(upgrades.length)})`);
    for (const r of upgrades) out.push(`  ${r.name}.${r.arch} ${r.installed} → ${r.to ? targetText(r.to) : '?'}`);
  }
  if (report.partialData.length) {
    out.push('', 'PARTIAL DATA (predictions for these repos\' packages may be wrong)');
    for (const p of report.partialData) out.push(`  repo ${p.repoId}: ${p.missing ? 'no data yet' : `last check failed: ${p.lastFailure ?? '?'}`}`);
  }
  for (const note of [...report.notes, ...report.crawlNotes]) out.push(`note: ${note}`);
  for (const w of report.warnings) out.push(`warning: ${w}`);
  return safeText(out.join('\n') + '\n');
}

/** One line for /etc/motd or a status bar. */
export function renderHostOneline(report: HostReport): string {
  const risky = report.packages.filter((p) => p.risky);
  const partial = report.partialData.length ? `; partial data (${report.partialData.length} repo${report.partialData.length === 1 ? '' : 's'})` : '';
  if (risky.length === 0) {
    return safeText(`repoclash: ${n(report.installedCount)} installed, no risky changes (${n(report.counts.upgrade)} upgrade${report.counts.upgrade === 1 ? '' : 's'} pending)${partial}\n`);
  }
  const byAction = new Map<string, string[]>();
  for (const r of risky) {
    const key = r.action !== 'none' && r.action !== 'upgrade' ? r.action : r.syncAction !== 'none' && r.syncAction !== 'upgrade' ? r.syncAction : r.history.clash ? 'clash' : 'pingpong';
    byAction.set(key, [...(byAction.get(key) ?? []), r.name]);
  }
  const parts = [...byAction].map(([k, names]) => `${names.length} ${k}: ${names.slice(0, 3).join(' ')}${names.length > 3 ? ' …' : ''}`);
  return safeText(`repoclash: ${n(risky.length)} risky of ${n(report.installedCount)} installed — ${parts.join('; ')}${partial}\n`);
}
