/**
 * `repoclash fleet` output (and the weekly report's fleet section): text for a terminal or a mail,
 * markdown for a wiki or a ticket; JSON is the report itself. Host names, groups, repo labels,
 * vendors and versions come from whoever ran `host --report-to`: every one goes through the
 * sanitiser for its medium (terminal escapes in text, markup in markdown).
 */
import type { FleetHostView, FleetReport, FleetRiskGroup, FleetRiskHost } from '../fleet/types.js';
import { markdownCode, markdownInline, safeLine, safeText } from '../sanitize.js';

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** One line: hosts, groups, risky packages, stale and drifting hosts. */
export function fleetHeadline(report: FleetReport): string {
  const groups = new Set(report.hosts.map((h) => h.group)).size;
  const riskyNames = new Set(report.risks.map((r) => r.name)).size;
  const riskyHosts = new Set(report.risks.flatMap((r) => r.hosts.map((h) => h.host))).size;
  return [
    `${plural(report.hosts.length, 'host', 'hosts')} in ${plural(groups, 'group', 'groups')}`,
    `${plural(riskyNames, 'risky package', 'risky packages')} on ${plural(riskyHosts, 'host', 'hosts')}`,
    `${plural(report.stale.length, 'host', 'hosts')} not reported for more than ${plural(report.staleDays, 'day', 'days')}`,
    `${plural(report.repoDrift.length, 'host', 'hosts')} with repo drift`,
  ].join(', ');
}

const KIND_WORD: Record<FleetRiskGroup['kind'], string> = { 'vendor-change': 'vendor change', downgrade: 'DOWNGRADE' };

function sideText(evr: string, vendor: string, repo: string | null): string {
  return `${evr} (${vendor}${repo === null ? ', in no enabled repo' : `, repo ${repo}`})`;
}

function riskHostText(h: FleetRiskHost): string {
  return `${safeLine(h.host)} ${safeLine(h.arch)}: ${safeLine(sideText(h.installed.evr, h.installed.vendor, h.installed.repo))} → ${safeLine(sideText(h.target.evr, h.target.vendor, h.target.repo))}`;
}

/** The text body (no headline): risks, stale hosts, repo drift — also the weekly report's fleet section. */
export function fleetTextLines(report: FleetReport): string[] {
  const lines: string[] = [];
  lines.push('', report.risks.length > 0 ? 'RISKS ON THE NEXT UPGRADE' : 'RISKS ON THE NEXT UPGRADE: none');
  for (const r of report.risks) {
    lines.push(`  ${safeLine(r.name)}: ${KIND_WORD[r.kind]} on ${plural(r.hosts.length, 'host', 'hosts')}`);
    for (const h of r.hosts) lines.push(`    ${riskHostText(h)}`);
  }
  lines.push('', report.stale.length > 0 ? `STALE (not reported for more than ${plural(report.staleDays, 'day', 'days')})` : `STALE: none (every host reported within ${plural(report.staleDays, 'day', 'days')})`);
  for (const s of report.stale) lines.push(`  ${safeLine(s.host)}: last report ${s.reportedAt} (${plural(s.days, 'day', 'days')} ago)`);
  lines.push('', report.repoDrift.length > 0 ? "REPO DRIFT (the repo set differs from the group's majority)" : 'REPO DRIFT: none');
  for (const d of report.repoDrift) {
    const parts = [d.missing.length > 0 ? `missing ${d.missing.map(safeLine).join(', ')}` : '', d.extra.length > 0 ? `extra ${d.extra.map(safeLine).join(', ')}` : ''].filter(Boolean);
    lines.push(`  ${safeLine(d.host)} (group ${safeLine(d.group)}): ${parts.join('; ')}`);
  }
  return lines;
}

function hostLine(h: FleetHostView): string {
  return `  ${safeLine(h.host)}  ${safeLine(h.group)}  ${h.format}  ${plural(h.installed, 'package', 'packages')}  reported ${h.reportedAt}${h.stale ? ' (STALE)' : ''}  repos: ${h.repos.map(safeLine).join(', ') || '(none)'}`;
}

export function renderFleetText(report: FleetReport): string {
  const lines = [`repoclash fleet: ${fleetHeadline(report)}`, ...fleetTextLines(report), '', 'HOSTS', ...report.hosts.map(hostLine)];
  return safeText(lines.join('\n') + '\n');
}

/** The markdown body under a heading of level `level` (the weekly report nests it one deeper). */
export function fleetMarkdownLines(report: FleetReport, level = 2): string[] {
  const h = '#'.repeat(level);
  const lines: string[] = [];
  lines.push(`${h} Risks on the next upgrade`, '');
  if (report.risks.length === 0) lines.push('None.', '');
  else {
    lines.push('| Package | Kind | Host | Arch | Installed | Target |', '|---|---|---|---|---|---|');
    for (const r of report.risks) {
      for (const x of r.hosts) {
        lines.push(
          `| ${markdownCode(r.name)} | ${r.kind} | ${markdownInline(x.host)} | ${markdownInline(x.arch)} | ${markdownInline(sideText(x.installed.evr, x.installed.vendor, x.installed.repo))} | ${markdownInline(sideText(x.target.evr, x.target.vendor, x.target.repo))} |`,
        );
      }
    }
    lines.push('');
  }
  lines.push(`${h} Not reported for more than ${plural(report.staleDays, 'day', 'days')}`, '');
  if (report.stale.length === 0) lines.push('None.', '');
  else lines.push(...report.stale.map((s) => `- ${markdownInline(s.host)}: last report ${s.reportedAt} (${plural(s.days, 'day', 'days')} ago)`), '');
  lines.push(`${h} Repo drift`, '');
  if (report.repoDrift.length === 0) lines.push('None.', '');
  else {
    lines.push('| Host | Group | Missing | Extra |', '|---|---|---|---|');
    for (const d of report.repoDrift) lines.push(`| ${markdownInline(d.host)} | ${markdownInline(d.group)} | ${d.missing.map(markdownInline).join(', ')} | ${d.extra.map(markdownInline).join(', ')} |`);
    lines.push('');
  }
  return lines;
}

export function renderFleetMarkdown(report: FleetReport): string {
  const lines = ['# repoclash fleet', '', `Generated ${report.generatedAt}: ${fleetHeadline(report)}.`, '', ...fleetMarkdownLines(report, 2)];
  lines.push('## Hosts', '', '| Host | Group | Format | Installed | Reported | Repos |', '|---|---|---|---|---|---|');
  for (const x of report.hosts) {
    lines.push(`| ${markdownInline(x.host)} | ${markdownInline(x.group)} | ${x.format} | ${x.installed} | ${x.reportedAt}${x.stale ? ' (stale)' : ''} | ${x.repos.map(markdownInline).join(', ')} |`);
  }
  return lines.join('\n') + '\n';
}
