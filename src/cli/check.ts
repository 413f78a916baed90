/**
 * `repoclash check <NAME|FILE>`: the packager's pre-submission check — is the name someone else's,
 * is the version behind upstream, would it break the upgrade path — from what the store holds.
 * Registration only (options and --help); the work is in check-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import type { Severity } from '../analysis/types.js';
import { addCommonOptions, addRefreshOptions, failOnSeverityOption, formatOption, type CommonOptions, type RefreshOptions } from '../run/options.js';

export interface CheckOptions extends CommonOptions, RefreshOptions {
  version?: string;
  target?: string;
  format: 'text' | 'json' | 'junit';
  failOn: Severity;
  define?: string[];
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description('before submitting a package: is the name taken by another vendor, is the version behind upstream, does it break the upgrade path')
    .argument('<name-or-file>', 'a package name, a .spec, a built .rpm or .deb, or a debian/ directory (or its control file)');
  addRefreshOptions(addCommonOptions(command))
    .option('--version <version>', 'the version to check (for a name; overrides a file\'s)')
    .option('--target <profile>', 'the profile the package is submitted to (default: the only profile with a distro repo of its format)')
    .option('--define <macro>', '.spec: an rpm macro definition, e.g. "dist .fc29" (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(formatOption(['text', 'json', 'junit']))
    .addOption(failOnSeverityOption())
    .action(async (arg: string, options: CheckOptions) => {
      const { runCheckCommand } = await import('./check-action.js');
      process.exitCode = await runCheckCommand(arg, options);
    });
}
