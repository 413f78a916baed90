/** The weekly report's comparison: new / resolved / ongoing by key, "N weeks ago", health, history. */
import { describe, expect, it } from 'vitest';
import { isoWeekOf, parseIsoWeek, weekStart, weeksAgo, weeksBetween } from '../../src/report/iso-week.js';
import { buildWeeklyReport, fromStored, reportHeadline, reportSubject, toStored, type WeeklyReport } from '../../src/report/weekly.js';
import { renderWeeklyMarkdown } from '../../src/report/weekly-markdown.js';
import { renderWeeklyText } from '../../src/report/weekly-text.js';
import type { RepoHealth } from '../../src/store/health.js';
import { auditOf, clash, lag, predictedPingPong } from '../support/finding-builders.js';

const DAY = 86_400_000;
const ok = (repoId: string): RepoHealth => ({ repoId, missing: false, lastFailure: null, lastSuccess: 1 });

function weekly(week: string, findings: Parameters<typeof auditOf>[0], previous: WeeklyReport | null, extra: Partial<Parameters<typeof buildWeeklyReport>[0]> = {}): WeeklyReport {
  return buildWeeklyReport({
    week,
    now: weekStart(week) + 2 * DAY,
    audit: auditOf(findings),
    previous: previous ? fromStored(JSON.parse(JSON.stringify(toStored(previous)))) : null,
    health: [ok('fedora')],
    events: [],
    ...extra,
  });
}

describe('ISO weeks', () => {
  it('names weeks as ISO 8601 does, across year boundaries', () => {
    expect(isoWeekOf(Date.UTC(2026, 0, 1))).toBe('2026-W01'); // a Thursday
    expect(isoWeekOf(Date.UTC(2027, 0, 1))).toBe('2026-W53'); // a Friday: 2026 has 53 weeks
    expect(isoWeekOf(Date.UTC(2024, 11, 30))).toBe('2025-W01'); // a Monday
    expect(isoWeekOf(Date.UTC(2026, 10, 19, 23, 59))).toBe('2026-W47');
    expect(new Date(weekStart('2026-W47')).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(weeksBetween('2025-W50', '2026-W02')).toBe(4);
    expect(weeksAgo(0)).toBe('this week');
    expect(weeksAgo(1)).toBe('1 week ago');
    expect(weeksAgo(7)).toBe('7 weeks ago');
  });

  it('rejects what is not a week', () => {
    for (const bad of ['2026-W00', '2025-W53', '2026W07', '2026-W7', '2026-W54']) expect(() => parseIsoWeek(bad)).toThrow(/is not an ISO week/);
    expect(parseIsoWeek('2026-W53')).toEqual({ year: 2026, week: 53 });
  });
});

describe('buildWeeklyReport', () => {
  it('the first report calls everything new', () => {
    const r = weekly('2026-W10', [clash('grafana'), clash('tempo')], null);
    expect(r.previousWeek).toBeNull();
    expect(r.new.map((f) => [f.name, f.since, f.weeks])).toEqual([
      ['grafana', '2026-W10', 0],
      ['tempo', '2026-W10', 0],
    ]);
    expect(r.counts.total).toEqual({ new: 2, resolved: 0, ongoing: 0 });
  });

  it('matches by key: new, resolved and ongoing, with the week each was first reported', () => {
    const w10 = weekly('2026-W10', [clash('grafana'), clash('tempo')], null);
    const w11 = weekly('2026-W11', [clash('tempo', 'error'), clash('loki')], w10);
    expect(w11.previousWeek).toBe('2026-W10');
    expect(w11.new.map((f) => f.key)).toEqual(['clash|f40|loki']);
    expect(w11.resolved.map((f) => [f.key, f.since, f.weeks])).toEqual([['clash|f40|grafana', '2026-W10', 1]]);
    // Ongoing keeps its first week even though its severity changed; the current one is shown.
    expect(w11.ongoing.map((f) => [f.key, f.since, f.weeks, f.severity])).toEqual([['clash|f40|tempo', '2026-W10', 1, 'error']]);
    expect(w11.counts.byKind.clash).toEqual({ new: 1, resolved: 1, ongoing: 1 });

    const w15 = weekly('2026-W15', [clash('tempo'), clash('loki'), clash('grafana')], w11);
    // grafana came back: it is new again, from this week.
    expect(w15.new.map((f) => [f.name, f.since])).toEqual([['grafana', '2026-W15']]);
    // Longest-running first.
    expect(w15.ongoing.map((f) => [f.name, f.weeks])).toEqual([
      ['tempo', 5],
      ['loki', 4],
    ]);
    expect(renderWeeklyText(w15)).toContain('since 2026-W10, 5 weeks ago');
    expect(renderWeeklyMarkdown(w15)).toContain('since 2026-W11, 4 weeks ago');
    expect(w15.history.map((h) => [h.week, h.total, h.new, h.resolved])).toEqual([
      ['2026-W10', 2, 2, 0],
      ['2026-W11', 2, 1, 1],
      ['2026-W15', 3, 1, 0],
    ]);
    expect(reportSubject(w15)).toBe('[repoclash] 2026-W15: 1 new, 0 resolved, 2 ongoing');
  });

  it('ranks the lag, buckets it for the chart and lists predicted ping-pong', () => {
    const r = weekly('2026-W10', [lag('a', 10), lag('b', 400, 'patch'), lag('c', 400, 'major'), lag('d', 95), predictedPingPong('e', 3), predictedPingPong('f', 5)], null, {
      options: { topLag: 3 },
    });
    expect(r.topLag.map((l) => [l.name, l.daysBehind, l.gap])).toEqual([
      ['c', 400, 'major'],
      ['b', 400, 'patch'],
      ['d', 95, 'minor'],
    ]);
    expect(r.lagDistribution.map((b) => b.count)).toEqual([1, 0, 1, 0, 2]);
    expect(r.predictedPingPong.map((p) => [p.name, p.leadChanges, p.leader])).toEqual([
      ['f', 5, 'Grafana Labs 6.0-1'],
      ['e', 3, 'Grafana Labs 4.0-1'],
    ]);
  });

  it('reports failed fetches, expired metadata and refused rollbacks of the window', () => {
    const week = '2026-W10';
    const now = weekStart(week) + 2 * DAY;
    const health: RepoHealth[] = [
      ok('fedora'),
      { repoId: 'mirror', missing: false, lastFailure: { at: now - DAY, message: 'repo mirror: connection refused' }, lastSuccess: now - 3 * DAY },
      { repoId: 'debian', missing: false, lastFailure: null, lastSuccess: now - 1000 },
      { repoId: 'old', missing: false, lastFailure: { at: now - 30 * DAY, message: 'repo old: HTTP 404' }, lastSuccess: now - 40 * DAY },
      { repoId: 'new', missing: true, lastFailure: null, lastSuccess: null },
    ];
    const r = weekly(week, [], null, {
      now,
      health,
      events: [
        { repoId: 'mirror', at: now - 2 * DAY, kind: 'failure', message: 'repo mirror: timeout' },
        { repoId: 'mirror', at: now - DAY, kind: 'failure', message: 'repo mirror: connection refused' },
        { repoId: 'debian', at: now - 2 * DAY, kind: 'failure', message: 'repo debian: dists/x/Release: Release file is expired (Valid-Until …)' },
        { repoId: 'debian', at: now - DAY, kind: 'rollback', message: 'repo debian: metadata older than stored' },
        { repoId: 'fedora', at: now - 20 * DAY, kind: 'failure', message: 'before the window' },
        { repoId: 'elsewhere', at: now - DAY, kind: 'failure', message: 'not an audited repo' },
      ],
    });
    expect(r.health.failed.map((p) => [p.repoId, p.count, p.stillFailing, p.message])).toEqual([
      ['mirror', 2, true, 'repo mirror: connection refused'],
      ['old', 0, true, 'repo old: HTTP 404'],
    ]);
    expect(r.health.expired.map((p) => [p.repoId, p.stillFailing])).toEqual([['debian', false]]);
    expect(r.health.rollbacks.map((p) => p.repoId)).toEqual(['debian']);
    expect(r.health.missing).toEqual(['new']);
    expect(r.partial).toBe(true);
    expect(reportSubject(r)).toBe('[repoclash] 2026-W10: 0 new, 0 resolved, 0 ongoing; 4 repo problems');
    const text = renderWeeklyText(r);
    expect(text).toContain('Expired metadata:\n    debian: recovered');
    expect(text).toContain('mirror: still failing (2× this week)');
  });

  it('lists warnings and errors but only counts info findings', () => {
    const r = weekly('2026-W10', [clash('visible'), lag('quiet', 5)], null);
    const text = renderWeeklyText(r);
    expect(text).toContain('visible');
    expect(text).not.toMatch(/INFO\s+lag/);
    expect(text).toContain('… and 1 info finding: see 2026-W10.json');
    // Headline and subject count what needs a person; the info finding is a count with a pointer.
    expect(reportHeadline(r)).toBe('1 new, 0 resolved, 0 ongoing (warning and above), and 1 info finding: 2026-W10.json lists them');
    expect(reportSubject(r)).toBe('[repoclash] 2026-W10: 1 new, 0 resolved, 0 ongoing (+1 info)');
  });

  it('ignores a stored report of another shape instead of calling everything resolved', () => {
    expect(fromStored({ findings: [{ key: 'x' }] })).toBeNull();
    expect(fromStored(null)).toBeNull();
    const r = weekly('2026-W10', [clash('a')], null);
    expect(fromStored(JSON.parse(JSON.stringify(toStored(r))))?.findings.map((f) => f.key)).toEqual(['clash|f40|a']);
  });
});
