/**
 * `repoclash fleet`: what the hosts that ran `host --report-to` reported, from the store alone —
 * per risky package the hosts whose next upgrade changes its vendor or downgrades it, hosts not
 * reported for N days, and hosts whose repo set differs from their group's.
 * Registration only (options and --help); the work is in fleet-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { DEFAULT_FLEET_FAIL_ON, DEFAULT_STALE_DAYS, FLEET_FAIL_ON_KINDS } from '../fleet/types.js';
import { DAYS, numberOption } from '../run/numeric-options.js';
import { collect, formatOption } from '../run/options.js';

export interface FleetOptions {
  config?: string;
  db?: string;
  quiet?: boolean;
  format: 'text' | 'json' | 'markdown';
  staleDays: number;
  failOn?: string[];
}

export function registerFleet(program: Command): void {
  program
    .command('fleet')
    .description('the hosts that reported with `host --report-to`: who would change vendor or downgrade, who stopped reporting, whose repos differ')
    .option('--config <file>', 'repos.yaml to use, for its store: section (default: ./repos.yaml, ~/.config/repoclash/repos.yaml, the shipped one)')
    .option('--db <file>', 'the store the hosts report to (a file or postgres:// URL; default: $XDG_DATA_HOME/repoclash/repoclash.db)')
    .addOption(numberOption('--stale-days <n>', 'a host not reported for more than this many days is stale', DAYS, DEFAULT_STALE_DAYS))
    .addOption(formatOption(['text', 'json', 'markdown']))
    .option('--fail-on <kinds>', `exit 1 when the fleet has one of these (comma-separated: ${FLEET_FAIL_ON_KINDS.join(', ')}; default ${DEFAULT_FLEET_FAIL_ON.join(',')})`, collect)
    .option('-q, --quiet', 'print nothing when nothing fails')
    .action(async (options: FleetOptions) => {
      const { runFleetCommand } = await import('./fleet-action.js');
      process.exitCode = await runFleetCommand(options);
    });
}
