/** Run rpmspec / rpm / dpkg-deb for the input readers, turning failures into typed errors. */
import { execFile } from 'node:child_process';
import { FormatError, UsageError } from '../errors.js';

/** stdout of `command args…`; a missing tool is a UsageError, a failing one a FormatError on `file`. */
export function runTool(command: string, args: readonly string[], file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      // rpm and dpkg print field values in the locale's encoding: pin UTF-8-clean C behaviour.
      { env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new UsageError(`${command} is not installed (needed to read ${file})`));
        }
        const message = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join('; ') || err.message;
        reject(new FormatError(`${command} failed: ${message}`, { file }));
      },
    );
  });
}
