/**
 * Reading untrusted JSON without `any`: small accessors that either return the expected shape or
 * throw a FormatError naming the URL and the field, so a service that changed its API fails with
 * one clear line instead of a TypeError.
 */
import { FormatError } from '../errors.js';

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, url: string, what: string): JsonObject {
  if (!isObject(value)) throw new FormatError(`expected an object for ${what}`, { file: url });
  return value;
}

export function expectArray(value: unknown, url: string, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new FormatError(`expected an array for ${what}`, { file: url });
  return value;
}

export function optString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** ISO 8601 (or anything Date.parse reads) → ms; null when absent or unreadable. */
export function optTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** The `rel="next"` target of an RFC 8288 Link header. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1]!;
  }
  return null;
}
