/**
 * `repoclash check`'s argument → a Submission. A path that exists, or ends in .spec / .rpm / .deb,
 * is a file to read; a debian/ directory or a debian/control path is a Debian source tree;
 * anything else is a package name.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { readDebianDir, readDebPackage } from './deb-inputs.js';
import { readRpmPackage, readSpec } from './rpm-inputs.js';
import { nameSubmission, type Submission, type SubmissionKind } from './submission.js';

export interface ReadSubmissionOptions {
  /** --version: overrides (for a file) or supplies (for a name) the version. */
  version?: string;
  /** rpm macro definitions for .spec files ("dist .fc29"). */
  defines?: readonly string[];
}

/** Which kind of input `arg` names; null for a bare package name. */
export function inputKindOf(arg: string): Exclude<SubmissionKind, 'name'> | null {
  const exists = existsSync(arg);
  if (exists && statSync(arg).isDirectory()) {
    if (existsSync(path.join(arg, 'control')) && existsSync(path.join(arg, 'changelog'))) return 'debian';
    if (existsSync(path.join(arg, 'debian', 'control'))) return 'debian';
    throw new UsageError(`${arg} is a directory but neither a debian/ directory nor a source tree containing one`);
  }
  if (arg.endsWith('.spec')) return 'spec';
  if (arg.endsWith('.rpm')) return 'rpm';
  if (arg.endsWith('.deb')) return 'deb';
  if (path.basename(arg) === 'control' && path.basename(path.dirname(path.resolve(arg))) === 'debian') return 'debian';
  if (exists) throw new UsageError(`${arg}: not a .spec, .rpm, .deb or debian/control (rename it or pass a package name)`);
  // Package names never contain '/': a path-like argument that does not exist is a typo'd path.
  if (arg.includes('/')) throw new UsageError(`${arg}: no such file or directory`);
  return null;
}

export async function readSubmission(arg: string, options: ReadSubmissionOptions = {}): Promise<Submission> {
  const kind = inputKindOf(arg);
  if (kind === null) return nameSubmission(arg, options.version ?? null);
  if (!existsSync(arg)) throw new UsageError(`${arg}: no such file`);
  let submission: Submission;
  switch (kind) {
    case 'spec':
      submission = await readSpec(arg, options.defines ? { defines: options.defines } : {});
      break;
    case 'rpm':
      submission = await readRpmPackage(arg);
      break;
    case 'deb':
      submission = await readDebPackage(arg);
      break;
    case 'debian': {
      const dir = statSync(arg).isDirectory() && !existsSync(path.join(arg, 'control')) ? path.join(arg, 'debian') : arg;
      submission = await readDebianDir(dir);
      break;
    }
  }
  return options.version !== undefined ? { ...submission, version: options.version } : submission;
}
