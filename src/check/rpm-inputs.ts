/**
 * .spec files and built .rpm packages as Submissions. A spec is read through `rpmspec -q` so that
 * rpm itself expands its macros (%global, %{?dist}, conditionals) — a hand-written parser would
 * get those wrong; `--define` passes macro definitions through (e.g. `dist .fc29`).
 */
import path from 'node:path';
import { FormatError } from '../errors.js';
import { parseRpmQueryOutput, RPM_QUERY_FORMAT, type RpmHeaderFacts } from './rpm-header.js';
import { runTool } from './run-tool.js';
import type { Submission } from './submission.js';

export interface SpecOptions {
  /** rpm macro definitions, each "NAME VALUE" (rpmspec --define). */
  defines?: readonly string[];
}

function defineArgs(defines: readonly string[] = []): string[] {
  return defines.flatMap((d) => ['--define', d]);
}

function toSubmission(kind: 'spec' | 'rpm', file: string, packages: RpmHeaderFacts[], sourceName: string): Submission {
  const first = packages[0];
  if (!first) throw new FormatError('no binary package in it', { file });
  // All subpackages of one build share the EVR unless a spec overrides it per package; the main
  // (first) package's is the submission's version.
  return {
    kind,
    path: path.resolve(file),
    format: 'rpm',
    sourceName,
    names: packages.map((p) => ({ name: p.name, provides: p.provides, url: p.url, summary: p.summary, sourceName, arch: p.arch })),
    version: first.evr,
    vendor: first.vendor,
  };
}

/** The binary packages a .spec builds (packages without %files are not built and left out). */
export async function readSpec(file: string, options: SpecOptions = {}): Promise<Submission> {
  const defines = defineArgs(options.defines);
  const binaries = parseRpmQueryOutput(await runTool('rpmspec', ['-q', '--builtrpms', ...defines, '--qf', RPM_QUERY_FORMAT, file], file), file);
  const source = (await runTool('rpmspec', ['-q', '--srpm', ...defines, '--qf', '%{NAME}\\n', file], file)).trim().split('\n')[0] ?? '';
  if (source === '') throw new FormatError('rpmspec printed no source package name', { file });
  return toSubmission('spec', file, binaries, source);
}

/** A built binary .rpm. */
export async function readRpmPackage(file: string): Promise<Submission> {
  const packages = parseRpmQueryOutput(await runTool('rpm', ['-qp', '--nosignature', '--nodigest', '--qf', RPM_QUERY_FORMAT, file], file), file);
  const first = packages[0];
  if (!first) throw new FormatError('rpm printed no header', { file });
  return toSubmission('rpm', file, packages, first.sourceName ?? first.name);
}
