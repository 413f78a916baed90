/**
 * `repoclash vercmp --scheme rpm|deb A B`: compare two versions the way rpm or dpkg would, print
 * the relation like rpmdev-vercmp ("1.0-1 < 2.0-1") and exit like it (0 equal, 11 A newer, 12 B
 * newer). `--batch` compares `A<TAB>B` lines from stdin and prints -1/0/1 per line.
 */
import { Option, type Command } from 'commander';
import { describeError, UsageError } from '../errors.js';
import type { Order, PackageFormat } from '../formats/types.js';
import { versionScheme } from '../formats/version-scheme.js';
import { ExitCode } from './exit-codes.js';

const RELATION: Record<Order, string> = { [-1]: '<', 0: '==', 1: '>' };
const EXIT_FOR: Record<Order, number> = {
  [-1]: ExitCode.vercmpBNewer,
  0: ExitCode.ok,
  1: ExitCode.vercmpANewer,
};

export interface BatchResult {
  /** One line per input line: -1, 0, 1, or `error` for a line that could not be compared. */
  stdout: string;
  /** One message per problem, naming the 1-based input line. */
  stderr: string;
  /** Some line could not be compared: the command exits 2 once every line has been answered. */
  failed: boolean;
}

/**
 * Compare every `A<TAB>B` line of input. A trailing newline does not make an extra line; a CR
 * before the LF is dropped. Output is built in memory and written once by the caller: one write
 * per line would make 100k lines take seconds.
 */
export function runVercmpBatch(scheme: PackageFormat, input: string): BatchResult {
  const lines = input.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = new Array<string>(lines.length);
  const problems: string[] = [];
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const tab = line.indexOf('\t');
    if (tab === -1) {
      out[n] = 'error';
      problems.push(`line ${n + 1}: expected two versions separated by a TAB`);
      continue;
    }
    try {
      const { order, warnings } = versionScheme(scheme).compareText(line.slice(0, tab), line.slice(tab + 1));
      out[n] = String(order);
      for (const w of warnings) problems.push(`line ${n + 1}: warning: ${w}`);
    } catch (err) {
      out[n] = 'error';
      problems.push(`line ${n + 1}: ${describeError(err)}`);
    }
  }
  const failed = out.includes('error');
  return {
    stdout: out.length === 0 ? '' : out.join('\n') + '\n',
    stderr: problems.length === 0 ? '' : problems.map((p) => `repoclash vercmp: ${p}`).join('\n') + '\n',
    failed,
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

interface VercmpOptions {
  scheme: PackageFormat;
  batch?: boolean;
}

export function registerVercmp(program: Command): void {
  program
    .command('vercmp')
    .description(
      'Compare two versions as rpm or dpkg does; exit 0 if equal, 11 if A is newer, 12 if B is newer',
    )
    .addOption(
      new Option('--scheme <scheme>', 'whose rules: rpm ([E:]V[-R]) or deb ([epoch:]upstream[-revision])')
        .choices(['rpm', 'deb'])
        .makeOptionMandatory(),
    )
    .option('--batch', 'read A<TAB>B lines from stdin and print -1, 0 or 1 for each')
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .action(async (a: string | undefined, b: string | undefined, options: VercmpOptions) => {
      if (options.batch) {
        if (a !== undefined) throw new UsageError('vercmp --batch reads versions from stdin, not arguments');
        const result = runVercmpBatch(options.scheme, await readAll(process.stdin));
        process.stdout.write(result.stdout);
        if (result.stderr !== '') process.stderr.write(result.stderr);
        process.exitCode = result.failed ? ExitCode.usage : ExitCode.ok;
        return;
      }
      if (a === undefined || b === undefined) {
        throw new UsageError('vercmp needs two versions (or --batch)');
      }
      const { order, warnings } = versionScheme(options.scheme).compareText(a, b);
      for (const w of warnings) process.stderr.write(`repoclash: warning: ${w}\n`);
      process.stdout.write(`${a} ${RELATION[order]} ${b}\n`);
      process.exitCode = EXIT_FOR[order];
    });
}
