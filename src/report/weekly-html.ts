/**
 * The weekly report as one self-contained HTML document: styles inline on each element (mail
 * clients drop <style> blocks and external sheets), charts as <img> whose src the caller picks —
 * a data: URI in reports/YYYY-Www.html, a cid: reference in the mail. Every text from metadata is
 * escaped; long package names wrap instead of widening the page.
 */
import { escapeHtml, safeHtmlDocument } from '../sanitize.js';
import type { FleetReport } from '../fleet/types.js';
import { KIND_HEADINGS } from './finding-lines.js';
import { fleetHeadline } from './fleet-render.js';
import { CHART_COLORS, cssColor, findingsPerWeekChart, lagDistributionChart, type ChartImage } from './charts.js';
import { reportHeadline, type ReportedFinding, type WeeklyReport } from './weekly.js';
import { age, countRows, countTotal, healthSections, omittedNote, openFor, section, sectionCount, type CountRow, utc } from './weekly-view.js';

export { escapeHtml };
const e = escapeHtml;

export interface WeeklyCharts {
  findingsPerWeek: ChartImage;
  lagDistribution: ChartImage;
}

export function weeklyCharts(report: WeeklyReport): WeeklyCharts {
  return { findingsPerWeek: findingsPerWeekChart(report.history), lagDistribution: lagDistributionChart(report.lagDistribution) };
}

/** Where the HTML takes each chart from. */
export interface ChartSources {
  findingsPerWeek: string;
  lagDistribution: string;
}

export const pngDataUri = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const WRAP = 'overflow-wrap:anywhere;word-break:break-word';
const S = {
  body: `margin:0;padding:0;background:#f3f4f6;color:#111827;${FONT};font-size:14px;line-height:1.45`,
  page: 'max-width:680px;margin:0 auto;padding:16px;background:#ffffff;box-sizing:border-box',
  h1: 'font-size:20px;margin:0 0 4px 0',
  h2: 'font-size:16px;margin:22px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #e5e7eb',
  muted: 'color:#6b7280;font-size:12px;margin:0',
  table: 'width:100%;border-collapse:collapse;table-layout:fixed;font-size:13px',
  th: `text-align:left;padding:4px 6px;border-bottom:1px solid #d1d5db;font-weight:600;${WRAP}`,
  thNum: 'text-align:right;padding:4px 6px;border-bottom:1px solid #d1d5db;font-weight:600;width:72px',
  td: `padding:4px 6px;border-bottom:1px solid #f3f4f6;vertical-align:top;${WRAP}`,
  tdNum: 'padding:4px 6px;border-bottom:1px solid #f3f4f6;text-align:right;vertical-align:top;font-variant-numeric:tabular-nums',
  item: `margin:0 0 10px 0;padding:0;${WRAP}`,
  detail: `margin:2px 0 0 0;color:#4b5563;font-size:12px;${WRAP}`,
  code: `font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;${WRAP}`,
  img: 'display:block;width:100%;max-width:560px;height:auto;border:0',
  chart: 'max-width:560px;margin:0 0 6px 0',
  label: 'text-align:center;font-size:11px;color:#6b7280;padding:2px 0;overflow:hidden;white-space:nowrap;text-overflow:clip',
};

const SEVERITY_COLORS: Record<string, string> = { error: '#b91c1c', warning: '#b45309', info: '#2563eb' };

function badge(severity: string): string {
  return `<span style="display:inline-block;padding:0 6px;border-radius:3px;font-size:11px;font-weight:600;color:#ffffff;background:${SEVERITY_COLORS[severity] ?? '#6b7280'}">${e(severity)}</span>`;
}

function findingItem(f: ReportedFinding, suffix: string, details: boolean): string {
  const lines = details ? f.details.map((d) => `<div style="${S.detail}">${e(d)}</div>`).join('') : '';
  return (
    `<li style="${S.item}">${badge(f.severity)} <span style="color:#6b7280">${e(f.kind)}</span> <code style="${S.code}">${e(f.name)}</code>` +
    `${f.scope ? ` <span style="color:#6b7280">[${e(f.scope)}]</span>` : ''}` +
    `<div style="${WRAP}">${e(f.title)}${suffix ? ` <span style="color:#6b7280">— ${e(suffix)}</span>` : ''}</div>${lines}</li>`
  );
}

function findingSection(report: WeeklyReport, title: string, list: readonly ReportedFinding[], suffix: (f: ReportedFinding) => string, details: boolean): string {
  const s = section(list);
  const note = omittedNote(s, report.week);
  return (
    `<h2 style="${S.h2}">${e(title)} (${e(sectionCount(list))})</h2>` +
    (list.length === 0 ? `<p style="${S.muted}">None.</p>` : '') +
    (s.listed.length ? `<ul style="margin:0;padding:0 0 0 18px">${s.listed.map((f) => findingItem(f, suffix(f), details)).join('')}</ul>` : '') +
    (note ? `<p style="${S.muted}">${e(note)}</p>` : '')
  );
}

/** The chart image, then one label cell per bar: the slots are equal-width, so the cells line up. */
function chart(src: string, image: ChartImage, alt: string, labels: string[]): string {
  const cells = labels.map((l) => `<td style="${S.label}">${e(l)}</td>`).join('');
  return (
    `<div style="${S.chart}"><img src="${e(src)}" width="${image.width}" height="${image.height}" alt="${e(alt)}" style="${S.img}">` +
    `<table role="presentation" style="width:100%;max-width:560px;border-collapse:collapse;table-layout:fixed"><tr>${cells}</tr></table></div>`
  );
}

function countRowHtml(label: string, c: CountRow, weight: string): string {
  const cell = (v: number) => `<td style="${S.tdNum}${weight}">${v}</td>`;
  return `<tr><td style="${S.td}${weight}">${label}</td>${cell(c.new)}${cell(c.resolved)}${cell(c.ongoing)}${cell(c.info)}</tr>`;
}

function swatch(color: string): string {
  return `<span style="display:inline-block;width:10px;height:10px;background:${color};margin:0 4px 0 8px"></span>`;
}

/** What the hosts reporting to the store said: risks per package, stale hosts, repo drift (every name escaped). */
function fleetSection(fleet: FleetReport): string {
  const parts = [`<h2 style="${S.h2}">Fleet</h2>`, `<p style="${S.muted}">${e(fleetHeadline(fleet))}</p>`];
  parts.push(`<h3 style="${S.h2}">Risks on the next upgrade (${fleet.risks.length})</h3>`);
  if (fleet.risks.length === 0) parts.push(`<p style="${S.muted}">None.</p>`);
  else {
    const side = (x: { evr: string; vendor: string; repo: string | null }) => `${e(x.evr)}<div style="${S.detail}">${e(x.vendor)}${x.repo === null ? '' : ` · ${e(x.repo)}`}</div>`;
    parts.push(
      `<table style="${S.table};margin-top:8px"><tr><th style="${S.th}">package</th><th style="${S.th}">host</th><th style="${S.th}">installed</th><th style="${S.th}">target</th></tr>` +
        fleet.risks
          .flatMap((r) =>
            r.hosts.map(
              (h) =>
                `<tr><td style="${S.td}"><code style="${S.code}">${e(r.name)}</code><div style="${S.detail}">${e(r.kind)}</div></td>` +
                `<td style="${S.td}">${e(h.host)}<div style="${S.detail}">${e(h.arch)}</div></td><td style="${S.td}">${side(h.installed)}</td><td style="${S.td}">${side(h.target)}</td></tr>`,
            ),
          )
          .join('') +
        '</table>',
    );
  }
  parts.push(`<h3 style="${S.h2}">Not reported for more than ${fleet.staleDays} days (${fleet.stale.length})</h3>`);
  if (fleet.stale.length === 0) parts.push(`<p style="${S.muted}">None.</p>`);
  else parts.push(`<ul style="margin:0;padding:0 0 0 18px">${fleet.stale.map((x) => `<li style="${S.item}">${e(x.host)} <span style="color:#6b7280">last report ${e(utc(x.reportedAt))}, ${x.days} days ago</span></li>`).join('')}</ul>`);
  parts.push(`<h3 style="${S.h2}">Repo drift (${fleet.repoDrift.length})</h3>`);
  if (fleet.repoDrift.length === 0) parts.push(`<p style="${S.muted}">None.</p>`);
  else {
    parts.push(
      `<table style="${S.table};margin-top:8px"><tr><th style="${S.th}">host</th><th style="${S.th}">missing</th><th style="${S.th}">extra</th></tr>` +
        fleet.repoDrift.map((d) => `<tr><td style="${S.td}">${e(d.host)}<div style="${S.detail}">${e(d.group)}</div></td><td style="${S.td}">${e(d.missing.join(', '))}</td><td style="${S.td}">${e(d.extra.join(', '))}</td></tr>`).join('') +
        '</table>',
    );
  }
  return parts.join('\n');
}

export function renderWeeklyHtml(report: WeeklyReport, charts: WeeklyCharts, sources: ChartSources): string {
  const parts: string[] = [];
  parts.push(
    `<h1 style="${S.h1}">repoclash weekly report — ${e(report.week)}</h1>`,
    `<p style="${S.muted}">${report.previousWeek ? `Compared with ${e(report.previousWeek)}` : 'First report: everything is new'} · generated ${e(utc(report.generatedAt))} · profiles: ${e(report.profiles.join(', ') || 'none')}</p>`,
  );
  parts.push(`<p style="margin:10px 0 0 0;font-weight:600">${e(reportHeadline(report))}</p>`);
  // Counts on top, as Fedora's orphan report does.
  parts.push(
    `<table style="${S.table};margin-top:14px"><tr><th style="${S.th}">warning and above</th><th style="${S.thNum}">new</th><th style="${S.thNum}">resolved</th><th style="${S.thNum}">ongoing</th><th style="${S.thNum}">info (open)</th></tr>` +
      countRows(report)
        .map(([k, c]) => countRowHtml(e(KIND_HEADINGS[k]), c, ''))
        .join('') +
      countRowHtml('Total', countTotal(report), ';font-weight:600') +
      '</table>',
  );

  // Repo health next, before the findings: a broken repo makes every count below incomplete.
  parts.push(`<h2 style="${S.h2}">Repo health</h2>`);
  const health = healthSections(report);
  if (health.length === 0) parts.push(`<p style="${S.muted}">All repos fetched fine.</p>`);
  for (const [title, lines] of health) {
    parts.push(`<p style="margin:8px 0 4px 0;font-weight:600">${e(title)}</p><ul style="margin:0;padding:0 0 0 18px">${lines.map((l) => `<li style="${S.item}">${e(l)}</li>`).join('')}</ul>`);
  }

  const latest = report.history[report.history.length - 1];
  parts.push(
    `<h2 style="${S.h2}">Findings per week</h2>`,
    `<p style="${S.muted};margin-bottom:6px">${swatch(cssColor(CHART_COLORS.ongoing))}ongoing${swatch(cssColor(CHART_COLORS.new))}new · this week ${latest ? latest.total : 0} open</p>`,
    chart(
      sources.findingsPerWeek,
      charts.findingsPerWeek,
      `Findings per week: ${report.history.map((h) => `${h.week} ${h.total} (${h.new} new)`).join(', ')}`,
      report.history.map((h) => `${h.week.slice(5)}: ${h.total}`),
    ),
  );

  parts.push(findingSection(report, 'New this week', report.new, () => '', true));
  parts.push(findingSection(report, 'Resolved', report.resolved, openFor, false));
  parts.push(findingSection(report, 'Ongoing', report.ongoing, age, false));

  parts.push(
    `<h2 style="${S.h2}">Lag behind upstream</h2>`,
    `<p style="${S.muted};margin-bottom:6px">Packages per days behind the upstream's first newer release</p>`,
    chart(
      sources.lagDistribution,
      charts.lagDistribution,
      `Lag distribution: ${report.lagDistribution.map((b) => `${b.label}: ${b.count}`).join(', ')}`,
      report.lagDistribution.map((b) => `${b.label}: ${b.count}`),
    ),
  );
  if (report.topLag.length) {
    parts.push(
      `<table style="${S.table};margin-top:8px"><tr><th style="${S.th}">package</th><th style="${S.th}">distro → upstream</th><th style="${S.thNum}">gap</th><th style="${S.thNum}">days</th></tr>` +
        report.topLag
          .map(
            (l) =>
              `<tr><td style="${S.td}"><code style="${S.code}">${e(l.name)}</code><div style="${S.detail}">${e(l.profile)}</div></td>` +
              `<td style="${S.td}">${e(l.distroEvr)} → ${e(l.upstreamEvr)}<div style="${S.detail}">${e(l.distroRepo)} → ${e(l.upstreamRepo)}${l.abandonedSeries ? ' · series abandoned upstream' : ''}</div></td>` +
              `<td style="${S.tdNum}">${e(l.gap)}</td><td style="${S.tdNum}">${l.daysBehind}</td></tr>`,
          )
          .join('') +
        '</table>',
    );
  }
  if (report.newUpstreamReleases.length) {
    parts.push(
      `<h3 style="${S.h2}">New upstream releases not picked up</h3><table style="${S.table};margin-top:8px"><tr><th style="${S.th}">package</th><th style="${S.th}">distro → upstream release</th><th style="${S.thNum}">released</th></tr>` +
        report.newUpstreamReleases
          .map(
            (r) =>
              `<tr><td style="${S.td}"><code style="${S.code}">${e(r.name)}</code><div style="${S.detail}">${e(r.profile)}</div></td>` +
              `<td style="${S.td}">${e(r.distroEvr)} → ${r.url ? `<a href="${e(r.url)}">${e(r.upstreamVersion)}</a>` : e(r.upstreamVersion)}<div style="${S.detail}">${e(r.upstreamRepo)}</div></td>` +
              `<td style="${S.tdNum}">${new Date(r.publishedAt).toISOString().slice(0, 10)}</td></tr>`,
          )
          .join('') +
        '</table>',
    );
  }

  parts.push(`<h2 style="${S.h2}">Predicted ping-pong (${report.predictedPingPong.length})</h2>`);
  if (report.predictedPingPong.length === 0) parts.push(`<p style="${S.muted}">None predicted.</p>`);
  else {
    parts.push(
      `<ul style="margin:0;padding:0 0 0 18px">${report.predictedPingPong
        .map((p) => `<li style="${S.item}"><code style="${S.code}">${e(p.name)}</code> <span style="color:#6b7280">[${e(p.profile)}]</span> lead changed ${p.leadChanges}×<div style="${S.detail}">${e(p.leads.join(' → '))}</div></li>`)
        .join('')}</ul>`,
    );
  }

  if (report.fleet) parts.push(fleetSection(report.fleet));

  parts.push(`<p style="${S.muted};margin-top:24px">Every finding, info ones included, is in ${e(report.week)}.json.</p>`);

  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>repoclash weekly report ${e(report.week)}</title></head>` +
    safeHtmlDocument(`<body style="${S.body}"><div style="${S.page}">${parts.join('\n')}</div></body></html>\n`)
  );
}
