/**
 * The run context of `host`: this host's own repos (the `system` profile) as the whole
 * configuration, under a profile name of its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { RunContext } from './context.js';

export interface HostRun {
  /** The run narrowed to the host's profile: analysis, refresh and winner recording stay small. */
  run: RunContext;
  profile: ProfileConfig;
  /** Which host this is, for its state in a store many hosts may share (see hostKey). */
  host: string;
}

/** The host's run from a run built with --system; `installedFile` is --installed. */
export async function hostRun(full: RunContext, installedFile: string | undefined): Promise<HostRun> {
  const system = full.config.profiles.get('system');
  if (!system) throw new UsageError(`no repositories configured under ${full.root} (${full.warnings.join('; ') || 'no system profile'})`);
  const host = hostKey(full.root, installedFile);
  // Winners are recorded per host: hosts sharing a store must not see each other's as flips.
  const profile = { ...system, name: `system@${host}` };
  const repos = new Map(profile.repos.map((id) => [id, full.config.repos.get(id)!]));
  const config = { ...full.config, repos, profiles: new Map([[profile.name, profile]]), upgradePaths: [] };
  const run = { ...full, config, selectedProfiles: [profile], selectedRepos: [...repos.values()].filter((r) => r.enabled) };
  return { run, profile, host };
}

/**
 * Which host a run describes, for its state in a store many hosts may share: the root's
 * /etc/machine-id when it has one, else the root's path; an exported list is its own host.
 */
function hostKey(root: string, installedFile: string | undefined): string {
  if (installedFile) return `installed:${path.resolve(installedFile)}`;
  try {
    const id = readFileSync(path.join(root, 'etc/machine-id'), 'utf8').trim();
    if (/^[0-9a-f]{32}$/.test(id)) return `machine-id:${id}`;
  } catch {
    // No machine-id (a chroot, an installroot): the root's path names it.
  }
  return `root:${root}`;
}
