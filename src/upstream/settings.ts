/**
 * Where each release source lives, read at run time: `upstream-sources:` in repos.yaml first; the
 * npm registry from this machine's npm configuration ($npm_config_registry, `npm config get
 * registry`, ~/.npmrc); GitHub's and Anitya's public API roots otherwise. PyPI, crates.io and
 * MetaCPAN have no built-in address: a source without one is reported as not configured. Tokens
 * come from the environment (GITHUB_TOKEN, GITLAB_TOKEN) and only ever go into request headers.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { UpstreamSourcesConfig } from '../config/types.js';
import type { HostPolicy } from './host-limiter.js';
import type { SourceKind } from './types.js';

const run = promisify(execFile);

const PUBLIC_API: Partial<Record<SourceKind, string>> = {
  github: 'https://api.github.com',
  anitya: 'https://release-monitoring.org',
};

export interface SourceSettings {
  /** API root per source; undefined: not configured. GitLab's '' means "https://<project host>". */
  baseUrls: Partial<Record<SourceKind, string>>;
  authHeaders: Partial<Record<SourceKind, Record<string, string>>>;
  /** Requests at once per API host (at most 8). */
  concurrency: number;
  anityaDistribution?: string;
}

/** The npm registry this machine's npm uses, or null when npm names none and is not installed. */
export async function npmRegistry(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const fromEnv = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  if (fromEnv) return fromEnv.replace(/\/+$/, '');
  try {
    const { stdout } = await run('npm', ['config', 'get', 'registry'], { timeout: 10_000, env });
    const value = stdout.trim();
    if (/^https?:\/\//.test(value)) return value.replace(/\/+$/, '');
  } catch {
    // npm not on PATH: read the user's .npmrc below.
  }
  try {
    const npmrc = await readFile(path.join(env.HOME ?? os.homedir(), '.npmrc'), 'utf8');
    const m = /^\s*registry\s*=\s*(\S+)/m.exec(npmrc);
    if (m) return m[1]!.replace(/\/+$/, '');
  } catch {
    // no .npmrc
  }
  return null;
}

export async function sourceSettings(config: UpstreamSourcesConfig | undefined, concurrency: number, env: NodeJS.ProcessEnv = process.env): Promise<SourceSettings> {
  const urls = config?.urls ?? {};
  const baseUrls: Partial<Record<SourceKind, string>> = { ...PUBLIC_API, gitlab: '' };
  for (const [kind, url] of Object.entries(urls)) baseUrls[kind as SourceKind] = url;
  if (baseUrls.npm === undefined) {
    const registry = await npmRegistry(env);
    if (registry) baseUrls.npm = registry;
  }
  const authHeaders: Partial<Record<SourceKind, Record<string, string>>> = {};
  if (env.GITHUB_TOKEN) authHeaders.github = { authorization: `Bearer ${env.GITHUB_TOKEN}` };
  if (env.GITLAB_TOKEN) authHeaders.gitlab = { 'private-token': env.GITLAB_TOKEN };
  return {
    baseUrls,
    authHeaders,
    concurrency: Math.min(8, Math.max(1, concurrency)),
    ...(config?.anityaDistribution ? { anityaDistribution: config.anityaDistribution } : {}),
  };
}

/** Per-host limits: crates.io's crawler policy asks for one request a second; others get `concurrency`. */
export function hostPolicy(settings: SourceSettings): (host: string) => HostPolicy {
  const cratesHost = settings.baseUrls.crates ? new URL(settings.baseUrls.crates).host : null;
  return (host) => (host === cratesHost ? { concurrency: 1, minIntervalMs: 1000 } : { concurrency: settings.concurrency, minIntervalMs: 0 });
}
