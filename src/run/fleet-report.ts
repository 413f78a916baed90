/**
 * `host --report-to STORE`: after the host audit, record this host — its name, group, format,
 * enabled repos (by label), installed packages and the risks its report found — into the fleet's
 * store, replacing the host's previous report in one transaction.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InstalledPackage } from '../analysis/types.js';
import type { ProfileConfig } from '../config/types.js';
import { readOsRelease } from '../config/os-release.js';
import { repoLabel } from '../config/repo-identity.js';
import { UsageError } from '../errors.js';
import { defaultHostGroup, fleetRecord } from '../fleet/record.js';
import type { HostReport } from '../host/types.js';
import { resolveStoreLocation } from '../store/index.js';
import type { RunContext } from './context.js';
import { withStore } from './store-access.js';

export interface FleetReportTarget {
  /** --report-to: a store location as --db takes it. */
  reportTo: string;
  hostName?: string;
  hostGroup?: string;
}

/** Where the report went and under which name and group. */
export interface FleetReported {
  store: string;
  host: string;
  group: string;
}

/**
 * The host's name in the fleet: --host-name, else this machine's hostname; under another --root,
 * that root's /etc/hostname (the machine running repoclash is not the host described).
 */
async function hostName(root: string, given: string | undefined): Promise<string> {
  const name = given ?? (root === '/' ? os.hostname() : await rootHostname(root));
  if (name === null) throw new UsageError(`--report-to: ${root} has no etc/hostname; name the host with --host-name`);
  if (name.trim() === '') throw new UsageError('--host-name must not be empty');
  return name;
}

async function rootHostname(root: string): Promise<string | null> {
  try {
    const name = (await readFile(path.join(root, 'etc/hostname'), 'utf8')).trim();
    return name === '' ? null : name;
  } catch {
    return null;
  }
}

export async function reportToFleet(
  run: RunContext,
  profile: ProfileConfig,
  installed: readonly InstalledPackage[],
  report: HostReport,
  target: FleetReportTarget,
  now: number,
): Promise<FleetReported> {
  const host = await hostName(run.root, target.hostName);
  if (target.hostGroup !== undefined && target.hostGroup.trim() === '') throw new UsageError('--host-group must not be empty');
  const group = target.hostGroup ?? defaultHostGroup(await readOsRelease(run.root));
  const labelOf = (id: string) => repoLabel(run.config.repos, id);
  const record = fleetRecord({
    host,
    group,
    format: profile.format,
    reportedAt: now,
    repos: run.selectedRepos.map((r) => labelOf(r.id)),
    installed,
    report,
    labelOf,
  });
  const store = resolveStoreLocation(target.reportTo);
  await withStore({ dbPath: store, storeAuth: run.storeAuth }, (s) => s.saveFleetReport(record));
  return { store, host, group };
}
