/**
 * A password given by reference in repos.yaml (`password-env` / `password-file`), never written in
 * the file itself: the store's and the repos' logins read it here, at the moment they need it.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

export interface PasswordSource {
  passwordEnv?: string;
  passwordFile?: string;
}

/**
 * The password, or null when the source names neither. `owner` starts the error lines (`store`,
 * `repo internal`); they name the variable or the file, never a value.
 */
export function readPassword(source: PasswordSource, owner: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (source.passwordEnv !== undefined) {
    const value = env[source.passwordEnv];
    if (value === undefined) throw new ConfigError(`${owner}: environment variable ${source.passwordEnv} (password-env) is not set`);
    return value;
  }
  if (source.passwordFile !== undefined) {
    try {
      // One line, as `echo secret > file` writes it.
      return readFileSync(source.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${owner}: cannot read password-file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file: source.passwordFile });
    }
  }
  return null;
}
