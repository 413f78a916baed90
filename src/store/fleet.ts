/**
 * The fleet tables on SQLite: what `host --report-to` records per host (its group, repo set,
 * installed packages and risks) and what `fleet` reads back. A host's report replaces its previous
 * one as a whole, in one transaction. The row shaping (validation, duplicates) is exported for the
 * PostgreSQL module, which writes the same rows.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import type { FleetHostRecord, FleetHostRisk, FleetHostSummary, FleetInstalledPackage, FleetRisk } from './types.js';

export const FLEET_HOST_COLUMNS = 'host, host_group, format, reported_at, installed_count, repos';
export const FLEET_RISK_COLUMNS = 'host, name, arch, kind, installed_evr, installed_vendor, installed_repo, target_evr, target_vendor, target_repo';

/** A record's rows as the tables take them: checked, repos sorted and unique, duplicate packages once. */
export interface FleetRows {
  host: [string, string, string, number, number, string];
  packages: Array<[string, string, string, string, string | null]>;
  risks: Array<[string, string, string, string, string, string, string | null, string, string, string]>;
}

export function fleetRows(record: FleetHostRecord): FleetRows {
  if (record.host.trim() === '') throw new StoreError('fleet: a host name must not be empty');
  if (record.group.trim() === '') throw new StoreError(`fleet: host ${record.host}: a group must not be empty`);
  if (!Number.isSafeInteger(record.reportedAt)) throw new StoreError(`fleet: host ${record.host}: reportedAt must be ms since the epoch`);
  const packages = new Map<string, FleetInstalledPackage>();
  for (const p of record.installed) packages.set(`${p.name}\t${p.arch}\t${p.evr}`, p);
  const risks = new Map<string, FleetRisk>();
  for (const r of record.risks) risks.set(`${r.name}\t${r.arch}\t${r.installedEvr}\t${r.kind}`, r);
  const h = record.host;
  return {
    host: [h, record.group, record.format, record.reportedAt, packages.size, JSON.stringify([...new Set(record.repos)].sort())],
    packages: [...packages.values()].map((p) => [h, p.name, p.arch, p.evr, p.vendor]),
    risks: [...risks.values()].map((r) => [h, r.name, r.arch, r.kind, r.installedEvr, r.installedVendor, r.installedRepo, r.targetEvr, r.targetVendor, r.targetRepo]),
  };
}

/** A host's rows are deleted in this order: the children first, they refer to fleet_hosts. */
export const FLEET_TABLES_CHILDREN_FIRST = ['fleet_risks', 'fleet_packages', 'fleet_hosts'] as const;

/** Replace `record.host`'s fleet rows with this report's. */
export function saveFleetReport(db: Db, record: FleetHostRecord): void {
  const rows = fleetRows(record);
  const deletes = FLEET_TABLES_CHILDREN_FIRST.map((table) => db.prepare(`DELETE FROM ${table} WHERE host = ?`));
  const insertHost = db.prepare(`INSERT INTO fleet_hosts (${FLEET_HOST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
  const insertPackage = db.prepare('INSERT INTO fleet_packages (host, name, arch, evr, vendor) VALUES (?, ?, ?, ?, ?)');
  const insertRisk = db.prepare(`INSERT INTO fleet_risks (${FLEET_RISK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const d of deletes) d.run(record.host);
    insertHost.run(...rows.host);
    for (const p of rows.packages) insertPackage.run(...p);
    for (const r of rows.risks) insertRisk.run(...r);
  }).immediate();
}

export interface FleetHostRow {
  host: string;
  host_group: string;
  format: string;
  reported_at: number;
  installed_count: number;
  repos: string;
}

export interface FleetRiskRow {
  host: string;
  name: string;
  arch: string;
  kind: string;
  installed_evr: string;
  installed_vendor: string;
  installed_repo: string | null;
  target_evr: string;
  target_vendor: string;
  target_repo: string;
}

export function fleetHostFromRow(r: FleetHostRow): FleetHostSummary {
  return {
    host: r.host,
    group: r.host_group,
    format: r.format as FleetHostSummary['format'],
    reportedAt: r.reported_at,
    installedCount: r.installed_count,
    repos: JSON.parse(r.repos) as string[],
  };
}

export function fleetRiskFromRow(r: FleetRiskRow): FleetHostRisk {
  return {
    host: r.host,
    name: r.name,
    arch: r.arch,
    kind: r.kind as FleetHostRisk['kind'],
    installedEvr: r.installed_evr,
    installedVendor: r.installed_vendor,
    installedRepo: r.installed_repo,
    targetEvr: r.target_evr,
    targetVendor: r.target_vendor,
    targetRepo: r.target_repo,
  };
}

/** SQLite compares TEXT by bytes; PostgreSQL's form of these orders says COLLATE "C". */
const FLEET_HOSTS_SQL = `SELECT ${FLEET_HOST_COLUMNS} FROM fleet_hosts ORDER BY host`;
const FLEET_RISKS_SQL = `SELECT ${FLEET_RISK_COLUMNS} FROM fleet_risks ORDER BY name, kind, host, arch, installed_evr`;
const FLEET_PACKAGES_SQL = 'SELECT name, arch, evr, vendor FROM fleet_packages WHERE host = ? ORDER BY name, arch, evr';

export function fleetHosts(db: Db): FleetHostSummary[] {
  return db.prepare<[], FleetHostRow>(FLEET_HOSTS_SQL).all().map(fleetHostFromRow);
}

export function fleetRisks(db: Db): FleetHostRisk[] {
  return db.prepare<[], FleetRiskRow>(FLEET_RISKS_SQL).all().map(fleetRiskFromRow);
}

export function fleetPackages(db: Db, host: string): FleetInstalledPackage[] {
  return db.prepare<[string], FleetInstalledPackage>(FLEET_PACKAGES_SQL).all(host);
}
