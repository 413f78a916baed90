/**
 * `repoclash host`: before `dnf upgrade` / `apt upgrade`, which installed packages would move to
 * another vendor, be downgraded, or are stranded — from this host's own repo configuration (the
 * `system` profile) and its package database, or a list exported from another host.
 * Registration only (options and --help); the work is in host-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { DEFAULT_FAIL_ON, HOST_RISK_KINDS } from '../host/types.js';
import { addCommonOptions, addRefreshOptions, collect, formatOption, windowDaysOption, type CommonOptions, type RefreshOptions } from '../run/options.js';

export interface HostOptions extends CommonOptions, RefreshOptions {
  installed?: string;
  format: 'text' | 'json';
  oneline?: boolean;
  failOn?: string[];
  all?: boolean;
  windowDays: number;
  reportTo?: string;
  hostName?: string;
  hostGroup?: string;
}

export function registerHost(program: Command): void {
  addRefreshOptions(addCommonOptions(program.command('host').description("before an upgrade: installed packages that would change vendor, be downgraded, or are stranded")), { byDefault: true, what: "the host's repos" })
    .option('--installed <file>', 'read the installed packages from this exported list instead of the local rpm/dpkg database')
    .addOption(formatOption(['text', 'json']))
    .option('--oneline', 'one summary line (for motd)')
    .option('--fail-on <kinds>', `exit 1 when a package has one of these (comma-separated: ${HOST_RISK_KINDS.join(', ')}; default ${DEFAULT_FAIL_ON.join(',')})`, collect)
    .option('--all', 'text: list same-vendor upgrades too')
    .addOption(windowDaysOption())
    .option('--report-to <store>', 'also record this host (installed packages, repos, group, risks) into this store for `repoclash fleet` (a file or postgres:// URL, as --db)')
    .option('--host-name <name>', "with --report-to: the host's name in the fleet (default: the hostname; under --root, ROOT/etc/hostname)")
    .option('--host-group <group>', "with --report-to: the group whose repo sets are compared (default: os-release ID-VERSION_ID, e.g. fedora-40)")
    .action(async (options: HostOptions) => {
      const { runHostCommand } = await import('./host-action.js');
      process.exitCode = await runHostCommand(options);
    });
}
