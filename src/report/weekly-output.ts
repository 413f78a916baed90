/** A weekly report's four files and its mail, rendered from one WeeklyReport. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { safeJson } from '../sanitize.js';
import type { MailContent } from './email.js';
import { reportSubject, type WeeklyReport } from './weekly.js';
import { pngDataUri, renderWeeklyHtml, weeklyCharts, type WeeklyCharts } from './weekly-html.js';
import { renderWeeklyMarkdown } from './weekly-markdown.js';
import { renderWeeklyText } from './weekly-text.js';

export interface WeeklyFiles {
  md: string;
  html: string;
  json: string;
  txt: string;
}

export const WEEKLY_EXTENSIONS = ['md', 'html', 'json', 'txt'] as const;

export function renderWeeklyFiles(report: WeeklyReport, charts: WeeklyCharts = weeklyCharts(report)): WeeklyFiles {
  return {
    md: renderWeeklyMarkdown(report),
    html: renderWeeklyHtml(report, charts, {
      findingsPerWeek: pngDataUri(charts.findingsPerWeek.png),
      lagDistribution: pngDataUri(charts.lagDistribution.png),
    }),
    json: safeJson(report),
    txt: renderWeeklyText(report),
  };
}

export function weeklyMailContent(report: WeeklyReport, charts: WeeklyCharts = weeklyCharts(report)): MailContent {
  const cid = (name: string) => `${name}.${report.week}@repoclash`;
  return {
    subject: reportSubject(report),
    text: renderWeeklyText(report),
    html: renderWeeklyHtml(report, charts, { findingsPerWeek: `cid:${cid('findings-per-week')}`, lagDistribution: `cid:${cid('lag-distribution')}` }),
    images: [
      { cid: cid('findings-per-week'), filename: 'findings-per-week.png', png: charts.findingsPerWeek.png },
      { cid: cid('lag-distribution'), filename: 'lag-distribution.png', png: charts.lagDistribution.png },
    ],
  };
}

/** Write the four files as OUT/WEEK.{md,html,json,txt}; the paths written, in that order. */
export async function writeWeeklyFiles(outDir: string, week: string, files: WeeklyFiles): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const ext of WEEKLY_EXTENSIONS) {
    const file = path.join(outDir, `${week}.${ext}`);
    await writeFile(file, files[ext]);
    written.push(file);
  }
  return written;
}
