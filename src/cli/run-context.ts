/**
 * What every command that reads repos needs, from its options: the configuration (repos.yaml plus,
 * with --system, this host's own repos), the store and cache locations, and the repo selection.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptSystemRepos, hostVariables } from '../config/host.js';
import { loadConfigFile } from '../config/repos-yaml.js';
import type { Config, DebRepoConfig, ProfileConfig, RepoConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { defaultCacheDir } from '../fetch/cache.js';
import { defaultStorePath } from '../store/db.js';

export interface CommonOptions {
  config?: string;
  db?: string;
  cache?: string;
  system?: boolean;
  root?: string;
  profile?: string[];
  repo?: string[];
  quiet?: boolean;
}

export interface RunContext {
  config: Config;
  configFile: string;
  configDir: string;
  dbPath: string;
  cacheDir: string;
  root: string;
  /** Repos chosen by --profile / --repo (all enabled repos when neither is given). */
  selectedRepos: RepoConfig[];
  /** Profiles chosen by --profile (all when none is given). */
  selectedProfiles: ProfileConfig[];
  warnings: string[];
}

/** The repos.yaml shipped with repoclash (next to package.json). */
export function packagedConfigPath(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'repos.yaml');
}

/** --config, else ./repos.yaml, else $XDG_CONFIG_HOME/repoclash/repos.yaml, else the shipped one. */
export function resolveConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  const local = path.resolve('repos.yaml');
  if (existsSync(local)) return local;
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  const user = path.join(xdg, 'repoclash', 'repos.yaml');
  if (existsSync(user)) return user;
  return packagedConfigPath();
}

export async function buildRunContext(options: CommonOptions): Promise<RunContext> {
  const root = path.resolve(options.root ?? '/');
  const configFile = resolveConfigPath(options.config);
  const config = loadConfigFile(configFile, { hostVars: await hostVariables(root) });
  const warnings: string[] = [];
  if (options.system) warnings.push(...(await addSystemProfile(config, root)));

  const profileNames = options.profile ?? [];
  for (const name of profileNames) {
    if (!config.profiles.has(name)) {
      throw new UsageError(`unknown profile "${name}" (known: ${[...config.profiles.keys()].join(', ') || 'none'})`);
    }
  }
  const selectedProfiles = profileNames.length > 0 ? profileNames.map((n) => config.profiles.get(n)!) : [...config.profiles.values()];
  const repoIds = new Set<string>(options.repo ?? []);
  for (const id of repoIds) if (!config.repos.has(id)) throw new UsageError(`unknown repo "${id}"`);
  for (const p of profileNames.map((n) => config.profiles.get(n)!)) for (const id of p.repos) repoIds.add(id);
  const selectedRepos =
    repoIds.size > 0 ? [...repoIds].map((id) => config.repos.get(id)!) : [...config.repos.values()].filter((r) => r.enabled);
  return {
    config,
    configFile,
    configDir: path.dirname(configFile),
    dbPath: path.resolve(options.db ?? defaultStorePath()),
    cacheDir: path.resolve(options.cache ?? defaultCacheDir()),
    root,
    selectedRepos,
    selectedProfiles,
    warnings,
  };
}

/**
 * Add this host's repos as profile `system`. A host source that is the same repository as one in
 * repos.yaml (same URI, suite and components) reuses that repo, so nothing is crawled twice.
 */
async function addSystemProfile(config: Config, root: string): Promise<string[]> {
  const apt = await aptSystemRepos(root);
  if (!apt) return [`no apt sources or yum repos found under ${root}`];
  const ids: string[] = [];
  for (const repo of apt.repos as DebRepoConfig[]) {
    const same = [...config.repos.values()].find(
      (r) => r.format === 'deb' && r.uri === repo.uri && r.suite === repo.suite && r.components.join(' ') === repo.components.join(' '),
    );
    if (same) ids.push(same.id);
    else {
      config.repos.set(repo.id, repo);
      ids.push(repo.id);
    }
  }
  config.profiles.set('system', { ...apt.profile, repos: ids });
  return apt.warnings;
}

/** Collect a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}
