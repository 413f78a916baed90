/**
 * A repo's own TLS trust, as dnf (sslcacert, sslverify, sslclientcert/sslclientkey) and apt
 * (Acquire::https::CaInfo, Verify-Peer, Verify-Host, SslCert/SslKey) configure it: a CA file
 * replaces the system's trust for that repo's requests only (curl's CAINFO and OpenSSL's
 * load_verify_file, which dnf and apt use, do the same); verification is switched off only where
 * the host's configuration says so.
 */
import { readFile } from 'node:fs/promises';
import { FetchError, type ErrorLocation } from '../errors.js';

/** Structurally config/types.ts's RepoTls. */
export interface TlsSettings {
  caFile?: string;
  verifyPeer: boolean;
  verifyHost: boolean;
  clientCert?: string;
  clientKey?: string;
}

/** got's `https` options for a repo's requests. */
export interface HttpsTrust {
  certificateAuthority?: Buffer;
  rejectUnauthorized: boolean;
  checkServerIdentity?: () => undefined;
  certificate?: Buffer;
  key?: Buffer;
}

async function readPem(file: string, what: string, where: ErrorLocation): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new FetchError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { ...where, file });
  }
}

/** The https options for `settings`, its files read once (a missing one fails the repo, naming the file). */
export async function httpsTrustFor(settings: TlsSettings, where: ErrorLocation): Promise<HttpsTrust> {
  return {
    rejectUnauthorized: settings.verifyPeer,
    // Verify-Host off (apt) keeps the chain check but not the name check.
    ...(settings.verifyPeer && !settings.verifyHost ? { checkServerIdentity: () => undefined } : {}),
    ...(settings.caFile !== undefined ? { certificateAuthority: await readPem(settings.caFile, 'CA certificate file', where) } : {}),
    ...(settings.clientCert !== undefined ? { certificate: await readPem(settings.clientCert, 'client certificate', where) } : {}),
    ...(settings.clientKey !== undefined ? { key: await readPem(settings.clientKey, 'client key', where) } : {}),
  };
}

/** The one note a run gives a repo whose certificate checks are off (never silent). */
export function verificationOffNote(settings: TlsSettings, definedAt: string): string | null {
  if (settings.verifyPeer && settings.verifyHost) return null;
  const off = !settings.verifyPeer ? 'certificate verification' : 'host name verification';
  return `TLS ${off} is off for this repo, as ${definedAt} says`;
}
