/**
 * Stored weekly reports: the findings of each report as JSON, so the next report can say what is
 * new, resolved and ongoing. The report module owns the findings' shape; the store keeps the text.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import type { StoredReport } from './types.js';

const ISO_WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

interface ReportRow {
  id: number;
  week: string;
  createdAt: number;
  findings: string;
}

function parse(row: ReportRow): StoredReport {
  return { id: row.id, week: row.week, createdAt: row.createdAt, findings: JSON.parse(row.findings) as unknown };
}

/** What every store checks before saving a report: an ISO week and serialisable findings (returned as JSON). */
export function validateReport(week: string, findings: unknown): string {
  if (!ISO_WEEK.test(week)) throw new StoreError(`"${week}" is not an ISO week like 2025-W07`);
  const json = JSON.stringify(findings);
  if (json === undefined) throw new StoreError('report findings are not JSON-serialisable');
  return json;
}

/** Save a report's findings (a week may be reported more than once; readers take the latest). */
export function saveReport(db: Db, week: string, findings: unknown, createdAt: number = Date.now()): number {
  const json = validateReport(week, findings);
  return Number(
    db.prepare('INSERT INTO reports (week, created_at, findings) VALUES (?, ?, ?)').run(week, createdAt, json).lastInsertRowid,
  );
}

const COLUMNS = 'id, week, created_at AS createdAt, findings';

/** Reports, oldest first; for one week when given. */
export function listReports(db: Db, week?: string): StoredReport[] {
  return db
    .prepare<[{ week: string | null }], ReportRow>(
      `SELECT ${COLUMNS} FROM reports WHERE (@week IS NULL OR week = @week) ORDER BY week, created_at, id`,
    )
    .all({ week: week ?? null })
    .map(parse);
}

/** The newest report, or the newest one for a week strictly before `beforeWeek` (ISO weeks sort as text). */
export function latestReport(db: Db, beforeWeek?: string): StoredReport | null {
  const row = db
    .prepare<[{ before: string | null }], ReportRow>(
      `SELECT ${COLUMNS} FROM reports WHERE (@before IS NULL OR week < @before)
       ORDER BY week DESC, created_at DESC, id DESC LIMIT 1`,
    )
    .get({ before: beforeWeek ?? null });
  return row ? parse(row) : null;
}
