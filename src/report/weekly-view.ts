/**
 * What each weekly renderer (text, markdown, HTML) shows of a report, decided once so the formats
 * agree: warnings and errors are listed (up to a limit per section), info findings only counted —
 * the JSON file has every finding.
 */
import { FINDING_KINDS } from '../analysis/findings.js';
import type { FindingKind } from '../analysis/types.js';
import { weeksAgo } from './iso-week.js';
import type { ChangeCounts, RepoProblem, ReportedFinding, WeeklyReport } from './weekly.js';

export const SECTION_LIMIT = 40;

export interface ListedSection {
  listed: ReportedFinding[];
  /** Info findings counted but not listed. */
  hiddenInfo: number;
  /** Warnings/errors beyond the limit. */
  more: number;
}

export function section(list: readonly ReportedFinding[], limit = SECTION_LIMIT): ListedSection {
  const important = list.filter((f) => f.severity !== 'info');
  return { listed: important.slice(0, limit), hiddenInfo: list.length - important.length, more: Math.max(0, important.length - limit) };
}

/** "… and 3 more, and 120 info findings: see 2026-W47.json" or null. */
export function omittedNote(s: ListedSection, week: string): string | null {
  const parts: string[] = [];
  if (s.more) parts.push(`${s.more} more`);
  if (s.hiddenInfo) parts.push(`${s.hiddenInfo} info finding${s.hiddenInfo === 1 ? '' : 's'}`);
  return parts.length ? `… and ${parts.join(' and ')}: see ${week}.json` : null;
}

/** "since 2026-W40, 7 weeks ago" */
export function age(f: ReportedFinding): string {
  return `since ${f.since}, ${weeksAgo(f.weeks)}`;
}

/** "open 3 weeks (first reported 2026-W44)" for a resolved finding. */
export function openFor(f: ReportedFinding): string {
  return `open ${f.weeks === 1 ? '1 week' : `${f.weeks} weeks`} (first reported ${f.since})`;
}

/** A counts-table row: warnings and errors new / resolved / ongoing, and the info findings open now. */
export interface CountRow extends ChangeCounts {
  info: number;
}

function countOf(list: readonly ReportedFinding[], kind: FindingKind | null): { important: number; info: number } {
  let important = 0;
  let info = 0;
  for (const f of list) {
    if (kind !== null && f.kind !== kind) continue;
    if (f.severity === 'info') info++;
    else important++;
  }
  return { important, info };
}

function countRow(report: WeeklyReport, kind: FindingKind | null): CountRow {
  const fresh = countOf(report.new, kind);
  const ongoing = countOf(report.ongoing, kind);
  // The table counts what the headline counts (warning and above); info findings are only the number open.
  return { new: fresh.important, resolved: countOf(report.resolved, kind).important, ongoing: ongoing.important, info: fresh.info + ongoing.info };
}

/** One row per finding kind for the counts table, counted as the headline counts. */
export function countRows(report: WeeklyReport): Array<[FindingKind, CountRow]> {
  return FINDING_KINDS.map((k) => [k, countRow(report, k)]);
}

/** The counts table's total row. */
export function countTotal(report: WeeklyReport): CountRow {
  return countRow(report, null);
}

/** A section heading's count: "8" or "8, and 8,794 info" (info findings are counted, not listed). */
export function sectionCount(list: readonly ReportedFinding[]): string {
  const { important, info } = countOf(list, null);
  return info ? `${important.toLocaleString('en')}, and ${info.toLocaleString('en')} info` : important.toLocaleString('en');
}

export const utc = (ms: number | string): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export function problemLine(p: RepoProblem): string {
  const times = p.count > 1 ? ` (${p.count}× this week)` : '';
  return `${p.repoId}: ${p.stillFailing ? 'still failing' : 'recovered'}${times}, last ${utc(p.lastAt)}: ${p.message}`;
}

/**
 * The repo health lines, failures first; each repo once: a repo that failed and never stored data
 * is a failed fetch saying "no data yet", not also a "never crawled" entry.
 */
export function healthSections(report: WeeklyReport): Array<[string, string[]]> {
  const h = report.health;
  const missing = new Set(h.missing);
  const failing = (p: RepoProblem) => `${problemLine(p)}${missing.has(p.repoId) ? ' (no data yet)' : ''}`;
  const listed = new Set([...h.failed, ...h.expired].map((p) => p.repoId));
  return (
    [
      ['Failed fetches', h.failed.map(failing)],
      ['Expired metadata', h.expired.map(failing)],
      ['Stale-mirror rollbacks (refused)', h.rollbacks.map((p) => `${p.repoId}${p.count > 1 ? ` (${p.count}×)` : ''}, last ${utc(p.lastAt)}: ${p.message}`)],
      ['Never crawled', h.missing.filter((id) => !listed.has(id))],
    ] as Array<[string, string[]]>
  ).filter(([, lines]) => lines.length > 0);
}
