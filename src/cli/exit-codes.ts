/** Exit codes of every command (documented in the README), and which error ends in which. */
import { isRepoclashError, type ErrorKind } from '../errors.js';

export const ExitCode = {
  /** Clean: nothing at or above --fail-on, all data present. */
  ok: 0,
  /** Findings at or above --fail-on (for vercmp: not used). */
  findings: 1,
  /** Usage or configuration error: nothing was done. */
  usage: 2,
  /** Partial data: some repos failed, the rest was processed and stored. */
  partial: 3,
  /** Another crawl holds the store lock and --no-wait was given. */
  locked: 4,
  /** report --email: the report files were written but the mail could not be sent. */
  mailFailed: 5,
  /** vercmp: A is newer than B (rpmdev-vercmp convention). */
  vercmpANewer: 11,
  /** vercmp: B is newer than A. */
  vercmpBNewer: 12,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of a command that ended with an error, by the error's kind: the one place that
 * decides it (README, "Exit codes"). A held store lock and an unsent mail have codes of their own;
 * every other error means nothing (or nothing more) was done: usage.
 */
export const EXIT_CODE_OF_KIND: Readonly<Record<ErrorKind, ExitCodeValue>> = {
  xml: ExitCode.usage,
  format: ExitCode.usage,
  version: ExitCode.usage,
  decompress: ExitCode.usage,
  'size-limit': ExitCode.usage,
  checksum: ExitCode.usage,
  fetch: ExitCode.usage,
  signature: ExitCode.usage,
  expired: ExitCode.usage,
  rollback: ExitCode.usage,
  config: ExitCode.usage,
  store: ExitCode.usage,
  locked: ExitCode.locked,
  cache: ExitCode.usage,
  mail: ExitCode.mailFailed,
  usage: ExitCode.usage,
};

/** The exit code for any thrown value: a RepoclashError by its kind, anything else usage. */
export function exitCodeFor(err: unknown): ExitCodeValue {
  return isRepoclashError(err) ? EXIT_CODE_OF_KIND[err.kind] : ExitCode.usage;
}

/** The exit code of a command that finds things: 1 for findings at or above --fail-on, else 3 for partial data, else 0. */
export function verdict(fails: boolean, partial: boolean): ExitCodeValue {
  return fails ? ExitCode.findings : partial ? ExitCode.partial : ExitCode.ok;
}
