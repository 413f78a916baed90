/**
 * The fleet tables on PostgreSQL, with the behaviour of `../fleet.ts` (whose row shaping and
 * row readers it uses): a host's report replaces its previous one in one transaction under the
 * store's write lock; reads in byte order, as SQLite's.
 */
import { FLEET_HOST_COLUMNS, FLEET_TABLES_CHILDREN_FIRST, FLEET_RISK_COLUMNS, fleetHostFromRow, fleetRiskFromRow, fleetRows, type FleetHostRow, type FleetRiskRow } from '../fleet.js';
import type { FleetHostRecord, FleetHostRisk, FleetHostSummary, FleetInstalledPackage } from '../types.js';
import type { PgConnection } from './connection.js';
import { WRITE_LOCK } from './locks.js';
import { byByte } from './queries.js';

export function saveFleetReport(db: PgConnection, record: FleetHostRecord): void {
  const rows = fleetRows(record);
  db.transaction(() => {
    for (const table of FLEET_TABLES_CHILDREN_FIRST) db.rows(`DELETE FROM ${table} WHERE host = $1`, [record.host]);
    db.rows(`INSERT INTO fleet_hosts (${FLEET_HOST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, rows.host);
    db.copyIn('fleet_packages', ['host', 'name', 'arch', 'evr', 'vendor'], rows.packages);
    db.copyIn('fleet_risks', FLEET_RISK_COLUMNS.split(', '), rows.risks);
  }, WRITE_LOCK);
}

export function fleetHosts(db: PgConnection): FleetHostSummary[] {
  return db.objects<FleetHostRow>(`SELECT ${FLEET_HOST_COLUMNS} FROM fleet_hosts ORDER BY ${byByte('host')}`).map(fleetHostFromRow);
}

export function fleetRisks(db: PgConnection): FleetHostRisk[] {
  const order = ['name', 'kind', 'host', 'arch', 'installed_evr'].map(byByte).join(', ');
  return db.objects<FleetRiskRow>(`SELECT ${FLEET_RISK_COLUMNS} FROM fleet_risks ORDER BY ${order}`).map(fleetRiskFromRow);
}

export function fleetPackages(db: PgConnection, host: string): FleetInstalledPackage[] {
  const order = ['name', 'arch', 'evr'].map(byByte).join(', ');
  return db.objects<FleetInstalledPackage>(`SELECT name, arch, evr, vendor FROM fleet_packages WHERE host = $1 ORDER BY ${order}`, [host]);
}
