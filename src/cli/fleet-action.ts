/** `repoclash fleet`'s work (registered in fleet.ts): the store's fleet rows → the fleet view → render, exit code. */
import { buildFleetReport, fleetFails } from '../fleet/analysis.js';
import { DEFAULT_FLEET_FAIL_ON, FLEET_FAIL_ON_KINDS, type FleetReport } from '../fleet/types.js';
import { renderFleetMarkdown, renderFleetText } from '../report/fleet-render.js';
import { startRun } from '../run/context.js';
import { queryStore } from '../run/store-access.js';
import { safeJson } from '../sanitize.js';
import { ExitCode, verdict } from './exit-codes.js';
import { failOnKinds } from './fail-on.js';
import type { FleetOptions } from './fleet.js';

const REPORT_FIRST = 'run `repoclash host --report-to STORE` on the hosts';

export async function runFleetCommand(options: FleetOptions): Promise<number> {
  const failOn = failOnKinds(options.failOn, FLEET_FAIL_ON_KINDS, DEFAULT_FLEET_FAIL_ON);
  const run = await startRun({ ...(options.config !== undefined && { config: options.config }), ...(options.db !== undefined && { db: options.db }), ...(options.quiet !== undefined && { quiet: options.quiet }) });
  const now = Date.now();
  const report = await queryStore(run, REPORT_FIRST, (store) => buildFleetReport({ hosts: store.fleetHosts(), risks: store.fleetRisks(), now, staleDays: options.staleDays }));
  if (!report) return ExitCode.partial;
  if (report.hosts.length === 0) {
    process.stderr.write(`repoclash: no host has reported to ${run.dbPath} yet: ${REPORT_FIRST} first\n`);
    return ExitCode.partial;
  }
  const code = verdict(fleetFails(report, failOn), false);
  if (!options.quiet || code !== ExitCode.ok) process.stdout.write(renderFleet(report, options.format));
  return code;
}

function renderFleet(report: FleetReport, format: FleetOptions['format']): string {
  if (format === 'json') return safeJson(report);
  if (format === 'markdown') return renderFleetMarkdown(report);
  return renderFleetText(report);
}
