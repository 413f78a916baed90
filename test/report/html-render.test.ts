/**
 * The HTML report in headless Chromium (Debian's chromium via playwright-core): no console
 * errors, both chart images decode, nothing wider than an 800 px viewport, metadata text escaped.
 * The screenshot is kept in test-results/report.png (the CI artifact).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFleetReport } from '../../src/fleet/analysis.js';
import type { FleetReport } from '../../src/fleet/types.js';
import { weekStart } from '../../src/report/iso-week.js';
import { buildWeeklyReport, fromStored, toStored, type WeeklyReport } from '../../src/report/weekly.js';
import { renderWeeklyFiles } from '../../src/report/weekly-output.js';
import { repoRoot } from '../support/paths.js';
import { auditOf, clash, lag, predictedPingPong } from '../support/finding-builders.js';
import { tearDown } from '../support/teardown.js';

const DAY = 86_400_000;

interface PageFacts {
  scrollWidth: number;
  clientWidth: number;
  overflowing: string[];
  images: Array<{ complete: boolean; w: number; h: number; shown: number }>;
  pwned: number | null;
  text: string;
}
let browser: Browser;
let work: string;

/** The fleet section's input: a risky package on three hosts (one named with markup), a stale host, a drifting one. */
function fleetOf(now: number, longName: string): FleetReport {
  const hostile = '<img src=x onerror="window.pwned=2">';
  const host = (name: string, repos: string[], daysAgo = 0) => ({ host: name, group: 'fedora-40', format: 'rpm' as const, reportedAt: now - daysAgo * DAY, installedCount: 900, repos });
  const risk = (h: string, name: string) => ({ host: h, name, arch: 'x86_64', kind: 'vendor-change' as const, installedEvr: '10.2.6-1.fc40', installedVendor: 'Fedora Project', installedRepo: 'updates', targetEvr: '11.1.0-1', targetVendor: 'Grafana Labs', targetRepo: `grafana-${longName}` });
  return buildFleetReport({
    hosts: [host('web01', ['fedora', 'updates', 'grafana']), host(hostile, ['fedora', 'updates', 'grafana']), host(`db-${longName}`, ['fedora', 'updates', longName], 12)],
    risks: [risk('web01', 'grafana'), risk(hostile, 'grafana'), risk(`db-${longName}`, longName)],
    now,
    staleDays: 7,
  });
}

/** Six weeks of reports with churn, long unbreakable names and markup in metadata. */
function richReport(): WeeklyReport {
  const longName = 'python3-' + 'verylongpackagenamewithoutanybreaks'.repeat(4);
  let previous: WeeklyReport | null = null;
  const weeks = ['2026-W05', '2026-W06', '2026-W07', '2026-W08', '2026-W09', '2026-W10'];
  weeks.forEach((week, i) => {
    const findings = [
      clash('grafana', 'error'),
      clash(longName),
      clash('<img src=x onerror="window.pwned=1">'),
      ...Array.from({ length: i * 2 }, (_, j) => clash(`pkg${j}`, j % 2 ? 'warning' : 'info')),
      ...(i < 4 ? [clash('loki')] : []),
      lag('tempo', 12),
      lag('prometheus', 420, 'major'),
      lag(longName, 200),
      lag('nginx', 75, 'patch'),
      predictedPingPong('mimir', 4),
    ];
    const now = weekStart(week) + 2 * DAY;
    previous = buildWeeklyReport({
      week,
      now,
      audit: auditOf(findings, ['fedora-40-vendors', 'bookworm-grafana']),
      previous: previous ? fromStored(JSON.parse(JSON.stringify(toStored(previous)))) : null,
      health: [
        { repoId: 'fedora-40', missing: false, lastFailure: null, lastSuccess: now },
        { repoId: 'pgdg-16-fedora-40', missing: false, lastFailure: { at: now - DAY, message: `repo pgdg-16-fedora-40: repodata/repomd.xml: HTTP 503 from https://download.example.org/pub/repos/yum/16/fedora/fedora-40-x86_64/${'x'.repeat(80)}` }, lastSuccess: now - 9 * DAY },
      ],
      fleet: i === weeks.length - 1 ? fleetOf(now, longName) : null,
      events: [
        { repoId: 'pgdg-16-fedora-40', at: now - DAY, kind: 'failure', message: 'repo pgdg-16-fedora-40: HTTP 503' },
        { repoId: 'fedora-40', at: now - 2 * DAY, kind: 'rollback', message: 'repo fedora-40: repomd.xml revision 1700000000 is older than the stored 1700000500' },
      ],
    });
  });
  return previous!;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-html-'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(() => tearDown(work, browser));

describe('weekly HTML in Chromium', () => {
  it('renders without console errors or overflow at 800 px, charts displayed, text escaped', async () => {
    const report = richReport();
    expect(report.history).toHaveLength(6);
    const file = path.join(work, `${report.week}.html`);
    await writeFile(file, renderWeeklyFiles(report).html);

    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    // Evaluated in the page (as a string: the project's TypeScript has no DOM library).
    const facts = (await page.evaluate(`(() => {
      const doc = document.documentElement;
      const vw = doc.clientWidth;
      const overflowing = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > vw + 0.5 || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow === 'visible' && el.clientWidth > 0))
        .map((el) => el.tagName + ': ' + (el.textContent || '').slice(0, 60));
      return {
        scrollWidth: doc.scrollWidth,
        clientWidth: vw,
        overflowing,
        images: [...document.images].map((img) => ({ complete: img.complete, w: img.naturalWidth, h: img.naturalHeight, shown: img.getBoundingClientRect().width })),
        pwned: window.pwned ?? null,
        text: document.body.innerText,
      };
    })()`)) as PageFacts;
    expect(problems).toEqual([]);
    expect(facts.scrollWidth).toBeLessThanOrEqual(facts.clientWidth);
    expect(facts.overflowing).toEqual([]);
    expect(facts.images).toEqual([
      { complete: true, w: 1120, h: 220, shown: 560 },
      { complete: true, w: 1120, h: 220, shown: 560 },
    ]);
    expect(facts.pwned).toBeNull();
    expect(facts.text).toContain('<img src=x onerror="window.pwned=1">');
    // Section headings count warnings and errors, with the info findings beside them (1 + 1 here).
    expect(facts.text).toMatch(/New this week \(1, and 1 info\)/);
    expect(facts.text).toContain('since 2026-W05, 5 weeks ago');
    // The fleet section: its host names escaped like any metadata, its long names wrapped.
    expect(facts.text).toContain('Risks on the next upgrade (2)');
    expect(facts.text).toContain('<img src=x onerror="window.pwned=2">');
    expect(facts.text).toMatch(/Repo drift \(1\)/);

    // The CI artifact.
    const artifacts = path.join(repoRoot, 'test-results');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });

    // Narrow (a phone's mail client): still no horizontal overflow.
    await page.setViewportSize({ width: 360, height: 800 });
    const narrow = await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
    expect(narrow).toBe(true);
    await page.close();
  }, 60_000);
});
