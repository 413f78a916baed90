/**
 * repoclash entry point: builds the command tree; each command lives in its own module and only
 * parses options, calls the pipeline stages and renders.
 */
import { Command, CommanderError } from 'commander';
import { describeError, isRepoclashError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { LockedError } from '../store/errors.js';
import { registerCommands } from './commands.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('repoclash')
    .description('Audit package repositories for name clashes, version ping-pong and lag')
    .version('0.1.0')
    .showHelpAfterError()
    // Options after a command name belong to that command: `check NAME --version 1.0` is the
    // submission's version, not the program's -V/--version.
    .enablePositionalOptions()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander rejects is usage.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    process.stderr.write(`repoclash: ${describeError(err)}\n`);
    if (err instanceof LockedError) return ExitCode.locked;
    if (isRepoclashError(err) && (err.kind === 'config' || err.kind === 'usage')) return ExitCode.usage;
    return ExitCode.usage;
  }
}

