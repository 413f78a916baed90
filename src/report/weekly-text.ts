/** The weekly report as plain text: the mail's text/plain part and reports/YYYY-Www.txt. */
import { safeText } from '../sanitize.js';
import { fleetHeadline, fleetTextLines } from './fleet-render.js';
import { KIND_HEADINGS } from './finding-lines.js';
import { reportHeadline, type ReportedFinding, type WeeklyReport } from './weekly.js';
import { age, countRows, countTotal, healthSections, omittedNote, openFor, section, sectionCount, type CountRow, utc } from './weekly-view.js';

function findingLines(f: ReportedFinding, suffix: string, details: boolean): string[] {
  const head = `  ${f.severity.toUpperCase().padEnd(7)} ${f.kind.padEnd(10)} ${f.name}${f.scope ? `  [${f.scope}]` : ''}`;
  const lines = [head, `          ${f.title}${suffix ? ` — ${suffix}` : ''}`];
  if (details) for (const d of f.details) lines.push(`          ${d}`);
  return lines;
}

export function renderWeeklyText(report: WeeklyReport): string {
  const out: string[] = [];
  out.push(`repoclash weekly report — ${report.week}${report.previousWeek ? ` (compared with ${report.previousWeek})` : ' (first report: everything is new)'}`);
  out.push(`generated ${utc(report.generatedAt)} · profiles: ${report.profiles.join(', ') || 'none'}`);
  out.push(reportHeadline(report));
  out.push('');
  const row = (label: string, c: CountRow) => `${label.padEnd(28)}${String(c.new).padStart(6)}${String(c.resolved).padStart(10)}${String(c.ongoing).padStart(9)}${String(c.info).padStart(12)}`;
  out.push(`${'(warning and above)'.padEnd(28)}${'new'.padStart(6)}${'resolved'.padStart(10)}${'ongoing'.padStart(9)}${'info (open)'.padStart(12)}`);
  for (const [kind, c] of countRows(report)) out.push(row(KIND_HEADINGS[kind], c));
  out.push(row('Total', countTotal(report)));

  // Repo health next, before the findings: a broken repo makes every count below incomplete.
  const health = healthSections(report);
  out.push('', 'REPO HEALTH');
  if (health.length === 0) out.push('  all repos fetched fine');
  for (const [title, lines] of health) out.push(`  ${title}:`, ...lines.map((l) => `    ${l}`));

  const sections: Array<[string, ReportedFinding[], (f: ReportedFinding) => string, boolean]> = [
    ['New this week', report.new, () => '', true],
    ['Resolved', report.resolved, openFor, false],
    ['Ongoing', report.ongoing, age, false],
  ];
  for (const [title, list, suffix, details] of sections) {
    out.push('', `${title.toUpperCase()} (${sectionCount(list)})`);
    if (list.length === 0) out.push('  none');
    const s = section(list);
    for (const f of s.listed) out.push(...findingLines(f, suffix(f), details));
    const note = omittedNote(s, report.week);
    if (note) out.push(`  ${note}`);
  }

  if (report.topLag.length) {
    out.push('', `LAGGING MOST BEHIND UPSTREAM (top ${report.topLag.length})`);
    for (const l of report.topLag) {
      out.push(`  ${l.name}  [${l.profile}]  ${l.distroEvr} (${l.distroRepo}) → ${l.upstreamEvr} (${l.upstreamRepo}): ${l.daysBehind} days behind, ${l.gap} gap, ${l.newerReleases} newer${l.abandonedSeries ? ', series abandoned upstream' : ''}`);
    }
  }
  if (report.newUpstreamReleases.length) {
    out.push('', `NEW UPSTREAM RELEASES NOT PICKED UP (${report.newUpstreamReleases.length})`);
    for (const r of report.newUpstreamReleases) {
      out.push(`  ${r.name}  [${r.profile}]  ${r.distroEvr} → ${r.upstreamVersion} (${r.upstreamRepo}, released ${new Date(r.publishedAt).toISOString().slice(0, 10)})${r.url ? `  ${r.url}` : ''}`);
    }
  }
  if (report.predictedPingPong.length) {
    out.push('', `PREDICTED PING-PONG (${report.predictedPingPong.length})`);
    for (const p of report.predictedPingPong) out.push(`  ${p.name}  [${p.profile}]  lead changed ${p.leadChanges}×: ${p.leads.join(' → ')}${p.observedFlips ? `; ${p.observedFlips} flips observed` : ''}`);
  }
  if (report.fleet) {
    out.push('', `FLEET: ${fleetHeadline(report.fleet)}`);
    for (const line of fleetTextLines(report.fleet)) out.push(line === '' ? line : `  ${line}`);
  }
  return safeText(out.join('\n') + '\n');
}
