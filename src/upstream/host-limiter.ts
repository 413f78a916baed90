/**
 * Politeness towards each API host: at most N requests at once, an optional minimum interval
 * between requests (crates.io asks for one per second), and the host's own rate-limit headers
 * honoured — GitHub's `x-ratelimit-remaining` / `x-ratelimit-reset`, GitLab's `ratelimit-*`,
 * and `retry-after` — by waiting until the window reopens when that is soon, and failing with a
 * clear message when it is not.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { ResponseHeaders } from '../fetch/http-client.js';

export interface HostPolicy {
  concurrency: number;
  minIntervalMs: number;
}

export class RateLimitExhausted extends Error {
  constructor(
    readonly host: string,
    readonly resetAt: number,
  ) {
    super(`rate limit of ${host} exhausted until ${new Date(resetAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  }
}

interface HostState {
  limit: LimitFunction;
  minIntervalMs: number;
  nextStart: number;
  /** Requests may not start before this (ms); 0 when the host has not asked us to wait. */
  blockedUntil: number;
}

/** The wait a response asks for, or null: remaining 0 with a reset time, or Retry-After. */
export function waitFromHeaders(headers: ResponseHeaders, now: number): number | null {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return now + Math.max(0, seconds) * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(now, at);
  }
  const remaining = headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'];
  const reset = headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'];
  if (remaining !== undefined && Number(remaining) <= 0 && reset !== undefined && Number.isFinite(Number(reset))) {
    const value = Number(reset);
    // Epoch seconds (GitHub, GitLab) or, for small values, seconds from now (the IETF draft).
    return value > 1e9 ? value * 1000 : now + value * 1000;
  }
  return null;
}

export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly policyOf: (host: string) => HostPolicy,
    /** Longest wait for a rate-limit window to reopen before giving up on the request. */
    private readonly maxWaitMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      const policy = this.policyOf(host);
      s = { limit: pLimit(Math.max(1, policy.concurrency)), minIntervalMs: policy.minIntervalMs, nextStart: 0, blockedUntil: 0 };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** Run `task` for `host` within its limits. */
  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const s = this.state(host);
    return s.limit(async () => {
      for (;;) {
        const now = this.clock();
        if (s.blockedUntil > now && s.blockedUntil - now > this.maxWaitMs) throw new RateLimitExhausted(host, s.blockedUntil);
        const start = Math.max(now, s.nextStart, s.blockedUntil);
        if (start <= now) break;
        await new Promise((resolve) => setTimeout(resolve, start - now));
      }
      s.nextStart = this.clock() + s.minIntervalMs;
      return task();
    });
  }

  /** Note what a response said about the host's limits. */
  observe(host: string, headers: ResponseHeaders): void {
    const until = waitFromHeaders(headers, this.clock());
    const s = this.state(host);
    if (until !== null && until > s.blockedUntil) s.blockedUntil = until;
  }
}
