/**
 * repoclash entry point: builds the command tree; each command lives in its own module and only
 * parses options, calls the pipeline stages and renders. Start-up loads only the registrations
 * (options and --help): each command's action imports its work when it runs (NAME-action.ts).
 */
import { Command, CommanderError } from 'commander';
import { describeError, isRepoclashError } from '../errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { registerCommands } from './commands.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('repoclash')
    .description('Audit package repositories for name clashes, version ping-pong and lag')
    .version('0.1.0')
    // Options after a command name belong to that command: `check NAME --version 1.0` is the
    // submission's version, not the program's -V/--version.
    .enablePositionalOptions()
    .exitOverride();
  registerCommands(program);
  // A typo gets one line and a pointer to --help, not the whole help text (cron mails it all).
  for (const command of [program, ...program.commands]) {
    command.configureOutput({ outputError: (message, write) => write(`${usageLine(message, helpCommand(command))}\n`) });
  }
  return program;
}

/** `repoclash crawl --help` for a subcommand, `repoclash --help` for the program. */
function helpCommand(command: Command): string {
  return command.parent ? `repoclash ${command.name()} --help` : 'repoclash --help';
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)\n" as one line with the help hint. */
export function usageLine(message: string, help: string): string {
  const text = message.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
  return `repoclash: ${text} (see '${help}')`;
}

/** The subcommand named in argv, for the hint of a usage error found after parsing. */
function commandIn(program: Command, argv: readonly string[]): Command {
  const first = argv.find((a) => program.commands.some((c) => c.name() === a));
  return program.commands.find((c) => c.name() === first) ?? program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander rejects is usage
      // (and commander has printed it).
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (isRepoclashError(err) && err.kind === 'usage') {
      process.stderr.write(`${usageLine(describeError(err), helpCommand(commandIn(program, argv)))}\n`);
      return exitCodeFor(err);
    }
    // A held lock, configuration and other errors: one line (a bad repos.yaml names
    // file:line:column; a damaged store names its file and the way out).
    // The store module is loaded here, not at start: a command that opened the store has it loaded
    // already, and one that failed before opening it pays for it only on this error path.
    const { asStoreFailure } = await import('../store/index.js');
    const failure = asStoreFailure(err);
    process.stderr.write(`repoclash: ${describeError(failure)}\n`);
    return exitCodeFor(failure);
  }
}
