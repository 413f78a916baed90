/**
 * A PostgreSQL store's location: `postgres://user@host:port/database?schema=NAME` (or
 * `postgresql://`, or a Unix socket directory as `?host=/run/postgresql`), turned into libpq's
 * connection string.
 *
 * A password never stands in the URL (it would show in `ps`, shell history and every error line):
 * libpq reads PGPASSWORD / PGPASSFILE / ~/.pgpass itself, and repos.yaml's `store:` names an
 * environment variable or a file (`password-env`, `password-file`) as for SMTP.
 * `schema` is ours, not libpq's: several stores (teams, test files) can share one database.
 */
import { UsageError } from '../../errors.js';
import { readPassword, type PasswordSource } from '../../secrets.js';

export interface PostgresLocation {
  /** What libpq connects with (may carry the password: never print it). */
  connectionString: string;
  /** The URL as the user gave it (no password in it): what error lines name. */
  display: string;
  /** The schema the store's tables live in; null for the connection's default search_path. */
  schema: string | null;
}

export type { PasswordSource };

const SCHEMES = ['postgres:', 'postgresql:'];

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export function parsePostgresUrl(url: string, password: PasswordSource = {}, env: NodeJS.ProcessEnv = process.env): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${url}: not a valid postgres:// URL`);
  }
  if (!SCHEMES.includes(parsed.protocol.toLowerCase())) throw new UsageError(`${url}: not a postgres:// URL`);
  if (parsed.password !== '') {
    throw new UsageError('never put a password in the store URL: use PGPASSWORD, PGPASSFILE or ~/.pgpass (or password-env / password-file in repos.yaml)');
  }
  if (parsed.searchParams.has('password')) throw new UsageError('never put a password in the store URL: use PGPASSWORD, PGPASSFILE or ~/.pgpass');
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError(`${url}: schema must be a lower-case SQL name (letters, digits, _)`);
  }
  const libpq = new URL(url);
  libpq.searchParams.delete('schema');
  const secret = readPassword(password, 'store', env);
  if (secret !== null) libpq.searchParams.set('password', secret);
  // libpq wants `postgresql://` or `postgres://` and a URI-encoded query; URL gives both.
  return { connectionString: libpq.toString(), display: url, schema };
}
