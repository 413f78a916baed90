/** The weekly report as markdown (reports/YYYY-Www.md), for a wiki page or an issue. */
import { markdownCode, markdownInline, safeText } from '../sanitize.js';
import { KIND_HEADINGS } from './finding-lines.js';
import { fleetHeadline, fleetMarkdownLines } from './fleet-render.js';
import { reportHeadline, type ReportedFinding, type WeeklyReport } from './weekly.js';
import { age, countRows, countTotal, healthSections, omittedNote, openFor, section, sectionCount, utc } from './weekly-view.js';

/** Markdown-escaped text from repository metadata (see sanitize.ts). */
export const md = markdownInline;

export function renderWeeklyMarkdown(report: WeeklyReport): string {
  const out: string[] = [];
  out.push(`# repoclash weekly report — ${report.week}`, '');
  out.push(`${report.previousWeek ? `Compared with ${report.previousWeek}` : 'First report: everything is new'} · generated ${utc(report.generatedAt)} · profiles: ${report.profiles.map(md).join(', ') || 'none'}`, '');
  out.push(`**${md(reportHeadline(report))}**`, '');
  out.push('| (warning and above) | new | resolved | ongoing | info (open) |', '|---|--:|--:|--:|--:|');
  for (const [kind, c] of countRows(report)) out.push(`| ${KIND_HEADINGS[kind]} | ${c.new} | ${c.resolved} | ${c.ongoing} | ${c.info} |`);
  const t = countTotal(report);
  out.push(`| **Total** | **${t.new}** | **${t.resolved}** | **${t.ongoing}** | **${t.info}** |`);

  // Repo health next, before the findings: a broken repo makes every count below incomplete.
  out.push('', '## Repo health', '');
  const health = healthSections(report);
  if (health.length === 0) out.push('All repos fetched fine.');
  for (const [title, lines] of health) out.push(`**${title}**`, '', ...lines.map((l) => `- ${md(l)}`));

  const sections: Array<[string, ReportedFinding[], (f: ReportedFinding) => string, boolean]> = [
    ['New this week', report.new, () => '', true],
    ['Resolved', report.resolved, openFor, false],
    ['Ongoing', report.ongoing, age, false],
  ];
  for (const [title, list, suffix, details] of sections) {
    out.push('', `## ${title} (${sectionCount(list)})`, '');
    if (list.length === 0) out.push('None.');
    const s = section(list);
    for (const f of s.listed) {
      const extra = suffix(f);
      out.push(`- **${f.severity}** ${f.kind} ${markdownCode(f.name)}${f.scope ? ` (${md(f.scope)})` : ''}: ${md(f.title)}${extra ? ` — ${md(extra)}` : ''}`);
      if (details) for (const d of f.details) out.push(`  - ${md(d)}`);
    }
    const note = omittedNote(s, report.week);
    if (note) out.push(`- ${md(note)}`);
  }
  if (report.topLag.length) {
    out.push('', '## Lagging most behind upstream', '', '| package | profile | distro | upstream | gap | days behind |', '|---|---|---|---|---|--:|');
    for (const l of report.topLag) out.push(`| ${md(l.name)} | ${md(l.profile)} | ${md(l.distroEvr)} (${md(l.distroRepo)}) | ${md(l.upstreamEvr)} (${md(l.upstreamRepo)}) | ${l.gap} | ${l.daysBehind} |`);
  }
  if (report.newUpstreamReleases.length) {
    out.push('', '## New upstream releases not picked up', '', '| package | profile | distro | upstream release | released |', '|---|---|---|---|---|');
    for (const r of report.newUpstreamReleases) {
      const version = r.url ? `[${md(r.upstreamVersion)}](${r.url})` : md(r.upstreamVersion);
      out.push(`| ${md(r.name)} | ${md(r.profile)} | ${md(r.distroEvr)} | ${version} (${md(r.upstreamRepo)}) | ${new Date(r.publishedAt).toISOString().slice(0, 10)} |`);
    }
  }
  if (report.predictedPingPong.length) {
    out.push('', '## Predicted ping-pong', '');
    for (const p of report.predictedPingPong) out.push(`- ${markdownCode(p.name)} (${md(p.profile)}): lead changed ${p.leadChanges}×: ${md(p.leads.join(' → '))}`);
  }
  if (report.fleet) out.push('', '## Fleet', '', `${md(fleetHeadline(report.fleet))}.`, '', ...fleetMarkdownLines(report.fleet, 3));
  return safeText(out.join('\n').replace(/\n+$/, '') + '\n');
}
