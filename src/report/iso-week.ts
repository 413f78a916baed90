/**
 * ISO 8601 weeks ("2026-W07"): weeks start on Monday and week 1 is the one holding the year's
 * first Thursday, so the first days of January can belong to the previous year's last week. The
 * weekly report is named and compared by these; they sort as text.
 */
import { UsageError } from '../errors.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const PATTERN = /^(\d{4})-W(\d{2})$/;

/** Monday 00:00 UTC of ISO week 1 of `year`. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday * DAY;
}

/** The ISO week (UTC) containing the instant `ms`. */
export function isoWeekOf(ms: number): string {
  const midnight = Math.floor(ms / DAY) * DAY;
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7;
  const thursday = midnight + (3 - weekday) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - week1Monday(year)) / WEEK) + 1;
  return formatIsoWeek(year, week);
}

export function formatIsoWeek(year: number, week: number): string {
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** Year and week of "2026-W07"; a UsageError for anything else, including W53 of a 52-week year. */
export function parseIsoWeek(text: string): { year: number; week: number } {
  const m = PATTERN.exec(text);
  const year = m ? Number(m[1]) : NaN;
  const week = m ? Number(m[2]) : NaN;
  if (!m || week < 1 || week > 53 || isoWeekOf(week1Monday(year) + (week - 1) * WEEK) !== text) {
    throw new UsageError(`"${text}" is not an ISO week like 2026-W07 (weeks 01–52, or 53 in long years)`);
  }
  return { year, week };
}

/** Monday 00:00 UTC of the week. */
export function weekStart(text: string): number {
  const { year, week } = parseIsoWeek(text);
  return week1Monday(year) + (week - 1) * WEEK;
}

/** Whole weeks from `from` to `to` (negative when `to` is earlier). */
export function weeksBetween(from: string, to: string): number {
  return Math.round((weekStart(to) - weekStart(from)) / WEEK);
}

/** "this week", "1 week ago", "5 weeks ago". */
export function weeksAgo(weeks: number): string {
  if (weeks <= 0) return 'this week';
  return weeks === 1 ? '1 week ago' : `${weeks} weeks ago`;
}
