/** Exit codes shared by every command (documented in the README). */
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
