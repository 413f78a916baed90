/**
 * What every command that reads repos needs, from its options: the configuration (repos.yaml plus,
 * with --system, this host's own repos), the store and cache locations, and the repo selection.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptSystemRepos, hostVariables } from '../config/host.js';
import { countSameLocationOnce, effectiveMetalink, hostRepoNamed, positionOf, storedRepoId } from '../config/repo-identity.js';
import { describeSkippedRepos, loadConfigFile } from '../config/repos-yaml.js';
import type { Config, ProfileConfig, RepoConfig } from '../config/types.js';
import { loadYumRepos } from '../config/yum-repos.js';
import { UsageError } from '../errors.js';
import { defaultCacheDir } from '../fetch/cache.js';
import { defaultStorePath } from '../store/index.js';
import type { CommonOptions } from './options.js';
import { resolveStoreLocation, type OpenStoreOptions } from '../store/index.js';

export interface RunContext {
  config: Config;
  configFile: string;
  configDir: string;
  /** The store: a SQLite file path or a postgres:// URL (--db, else repos.yaml `store.url`, else the default file). */
  dbPath: string;
  /** Where a PostgreSQL store's password is (repos.yaml `store:`); spread into Store.open(). */
  storeAuth: Pick<OpenStoreOptions, 'passwordEnv' | 'passwordFile'>;
  cacheDir: string;
  root: string;
  /** Repos chosen by --profile / --repo (all enabled repos when neither is given). */
  selectedRepos: RepoConfig[];
  /** Profiles chosen by --profile (all when none is given). */
  selectedProfiles: ProfileConfig[];
  warnings: string[];
  /** The one note about repos.yaml repos skipped for a missing host variable (also in warnings). */
  skippedReposNote: string | null;
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

/** A --root that is missing or unreadable is its own error, before any configuration is read. */
function checkRoot(root: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--root ${root}: ${code === 'ENOENT' ? 'no such directory' : `cannot read it (${code ?? 'error'})`}`);
  }
  if (!isDir) throw new UsageError(`--root ${root}: not a directory`);
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch {
    throw new UsageError(`--root ${root}: not readable by this user`);
  }
}

export async function buildRunContext(options: CommonOptions): Promise<RunContext> {
  const root = path.resolve(options.root ?? '/');
  checkRoot(root);
  const configFile = resolveConfigPath(options.config);
  const config = loadConfigFile(configFile, { hostVars: await hostVariables(root) });
  const warnings: string[] = [];
  const skippedNote = describeSkippedRepos(config.skippedRepos ?? []);
  if (skippedNote) warnings.push(skippedNote);
  const sameLocation = countSameLocationOnce(config);
  warnings.push(...sameLocation.warnings);
  if (options.system) warnings.push(...(await addSystemProfile(config, root)));

  const profileNames = options.profile ?? [];
  for (const name of profileNames) {
    if (!config.profiles.has(name)) {
      throw new UsageError(`unknown profile "${name}" (known: ${[...config.profiles.keys()].join(', ') || 'none'})`);
    }
  }
  const selectedProfiles = profileNames.length > 0 ? profileNames.map((n) => config.profiles.get(n)!) : [...config.profiles.values()];
  // --repo takes an id or a host repo's own name (its label); a repos.yaml repo counted once as another, that one.
  const byLabel = new Map([...config.repos.values()].filter((r) => r.label !== undefined).map((r) => [r.label!, r.id]));
  for (const [dropped, kept] of sameLocation.replaced) byLabel.set(dropped, kept);
  const repoIds = new Set<string>((options.repo ?? []).map((name) => (config.repos.has(name) ? name : (byLabel.get(name) ?? name))));
  for (const id of repoIds) if (!config.repos.has(id)) throw new UsageError(`unknown repo "${id}"`);
  for (const p of profileNames.map((n) => config.profiles.get(n)!)) for (const id of p.repos) repoIds.add(id);
  const selectedRepos =
    repoIds.size > 0 ? [...repoIds].map((id) => config.repos.get(id)!) : [...config.repos.values()].filter((r) => r.enabled);
  return {
    config,
    configFile,
    configDir: path.dirname(configFile),
    dbPath: resolveStoreLocation(options.db ?? config.store?.url ?? defaultStorePath()),
    storeAuth: {
      ...(config.store?.passwordEnv !== undefined && { passwordEnv: config.store.passwordEnv }),
      ...(config.store?.passwordFile !== undefined && { passwordFile: config.store.passwordFile }),
    },
    cacheDir: path.resolve(options.cache ?? defaultCacheDir()),
    root,
    selectedRepos,
    selectedProfiles,
    warnings,
    skippedReposNote: skippedNote,
  };
}

/**
 * Add this host's repos as profile `system`. A host source that is the same repository as one in
 * repos.yaml (same URI, suite and components, and every architecture the host fetches from it)
 * reuses that repo, so nothing is crawled twice.
 */
async function addSystemProfile(config: Config, root: string): Promise<string[]> {
  const warnings: string[] = [];
  const apt = await aptSystemRepos(root);
  const yum = existsSync(path.join(root, 'etc/yum.repos.d')) || existsSync(path.join(root, 'etc/dnf/dnf.conf')) ? await loadYumRepos({ root }) : null;
  if (!apt && !yum) return [`no apt sources or yum repos found under ${root}`];
  // A host is one or the other; a Debian host with stray yum files keeps its apt profile as `system`.
  const chosen = apt ?? { repos: yum!.repos, profile: yum!.profile, warnings: yum!.warnings };
  if (apt && yum && yum.repos.length > 0) warnings.push(`ignoring ${yum.repos.length} yum repos on a host that uses apt`);
  warnings.push(...chosen.warnings);
  const ids: string[] = [];
  /** Stored id → the run's id of the host repo that fetches it: a second source of the same is counted once. */
  const byLocation = new Map<string, string>();
  // `enabled=0` sections (and `Enabled: no` stanzas) are not repos of this host: never crawled,
  // never counted as missing data.
  for (const configured of chosen.repos.filter((r) => r.enabled)) {
    const location = storedRepoId(configured);
    const same = [...config.repos.values()].find((r) => sameRepository(r, configured) || storedRepoId(r) === location);
    // Stored under what it fetches (repo-identity.ts), known and shown under its own name.
    const repo = same ?? hostRepoNamed(configured, (id) => config.repos.has(id));
    const stored = storedRepoId(repo);
    const earlier = byLocation.get(stored);
    if (earlier !== undefined) {
      warnings.push(`${positionOf(configured.definedAt)}: repo ${configured.label ?? configured.id} fetches the same as repo ${config.repos.get(earlier)?.label ?? earlier}; counted once`);
      continue;
    }
    if (!same) config.repos.set(repo.id, repo);
    byLocation.set(stored, repo.id);
    ids.push(repo.id);
  }
  config.profiles.set('system', { ...chosen.profile, repos: ids });
  return warnings;
}

function sameRepository(a: RepoConfig, b: RepoConfig): boolean {
  if (a.format === 'deb' && b.format === 'deb') {
    // A repo crawled for fewer architectures lacks the host's foreign ones (amd64 + i386 host,
    // repos.yaml's amd64-only bookworm): its i386 packages would look stranded.
    return a.uri === b.uri && a.suite === b.suite && a.components.join(' ') === b.components.join(' ') && b.architectures.every((arch) => a.architectures.includes(arch));
  }
  if (a.format === 'rpm' && b.format === 'rpm') {
    const metalink = effectiveMetalink(a);
    return (metalink !== undefined && metalink === effectiveMetalink(b)) || (a.baseurl.length > 0 && a.baseurl.join(' ') === b.baseurl.join(' '));
  }
  return false;
}

/** The run context, with its configuration warnings printed (unless --quiet): how most commands begin. */
export async function startRun(options: CommonOptions): Promise<RunContext> {
  const run = await buildRunContext(options);
  if (!options.quiet) for (const w of run.warnings) process.stderr.write(`repoclash: ${w}\n`);
  return run;
}
