/**
 * OpenPGP signature checks with gpgv — the verifier apt itself runs, so a repo repoclash accepts
 * is one apt would accept, and the keyrings users already have (apt's Signed-By files, the
 * debian-archive-keyring, a vendor's gpg.key) work unchanged. Armoured keys are de-armoured here
 * because gpgv 2.2 reads only binary keyrings.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignatureError, type ErrorLocation } from '../errors.js';

export interface TrustedKeys {
  /** Keyring or key files (armoured or binary). */
  files: string[];
  /** ASCII-armoured key blocks given in the configuration itself (an apt `Signed-By:` block). */
  armored?: string[];
  /** When given, the signing key (primary or subkey fingerprint) must be one of these. */
  fingerprints?: string[];
}

export interface VerifiedSignature {
  /** Fingerprint of the primary key that signed. */
  primaryFingerprint: string;
  signingFingerprint: string;
}

/** apt's default trust when a source has no Signed-By: trusted.gpg and trusted.gpg.d. */
export async function aptDefaultKeyFiles(root = '/'): Promise<string[]> {
  const files: string[] = [];
  const legacy = path.join(root, 'etc/apt/trusted.gpg');
  try {
    await readFile(legacy);
    files.push(legacy);
  } catch {
    /* absent on modern systems */
  }
  const dir = path.join(root, 'etc/apt/trusted.gpg.d');
  try {
    for (const name of (await readdir(dir)).sort()) if (/\.(gpg|asc)$/.test(name)) files.push(path.join(dir, name));
  } catch {
    /* no directory: no default keys */
  }
  return files;
}

/** Verify a detached signature (Release.gpg, repomd.xml.asc) over `data`. */
export async function verifyDetached(data: Buffer, signature: Buffer, keys: TrustedKeys, where: ErrorLocation): Promise<VerifiedSignature> {
  return withWorkDir(async (dir) => {
    const dataFile = path.join(dir, 'data');
    const sigFile = path.join(dir, 'data.sig');
    await writeFile(dataFile, data);
    await writeFile(sigFile, signature);
    const result = await runGpgv(dir, keys, where, [sigFile, dataFile]);
    return result.signature;
  });
}

/**
 * Verify a clearsigned document (InRelease) and return the text gpgv says was signed. Parsing that
 * output rather than our own split of the input means nothing unsigned can slip into the parse.
 */
export async function verifyClearsigned(document: Buffer, keys: TrustedKeys, where: ErrorLocation): Promise<VerifiedSignature & { signedText: string }> {
  return withWorkDir(async (dir) => {
    const docFile = path.join(dir, 'InRelease');
    const outFile = path.join(dir, 'signed');
    await writeFile(docFile, document);
    const result = await runGpgv(dir, keys, where, ['--output', outFile, docFile]);
    return { ...result.signature, signedText: await readFile(outFile, 'utf8') };
  });
}

async function runGpgv(dir: string, keys: TrustedKeys, where: ErrorLocation, args: string[]): Promise<{ signature: VerifiedSignature }> {
  const inline = keys.armored ?? [];
  if (keys.files.length === 0 && inline.length === 0) throw new SignatureError('no trusted key configured to check the signature with', where);
  const keyringArgs: string[] = [];
  const sources: { bytes: () => Promise<Buffer>; name: string }[] = [
    ...keys.files.map((file) => ({ name: file, bytes: () => readFile(file) })),
    ...inline.map((block, i) => ({ name: `inline key ${i + 1}`, bytes: async () => Buffer.from(block, 'utf8') })),
  ];
  for (const [i, source] of sources.entries()) {
    let bytes: Buffer;
    try {
      bytes = await source.bytes();
    } catch (err) {
      throw new SignatureError(`cannot read key file ${source.name}: ${(err as Error).message}`, where);
    }
    const keyring = path.join(dir, `keyring-${i}.gpg`);
    await writeFile(keyring, dearmor(bytes, source.name, where));
    keyringArgs.push('--keyring', keyring);
  }
  const { code, stdout, stderr } = await run('gpgv', ['--status-fd', '1', ...keyringArgs, ...args], { ...process.env, GNUPGHOME: dir, LC_ALL: 'C' }, where);
  const status = stdout.split('\n').filter((l) => l.startsWith('[GNUPG:] '));
  const valid = status.find((l) => l.startsWith('[GNUPG:] VALIDSIG '));
  if (code !== 0 || !valid) {
    // Most specific first: gpgv prints ERRSIG before the NO_PUBKEY that explains it.
    const reason =
      ['BADSIG', 'EXPKEYSIG', 'REVKEYSIG', 'NO_PUBKEY', 'NODATA', 'ERRSIG']
        .map((word) => status.find((l) => l.startsWith(`[GNUPG:] ${word} `) || l === `[GNUPG:] ${word}`))
        .find((l) => l !== undefined)
        ?.replace('[GNUPG:] ', '') ??
      (stderr.trim().split('\n').pop() || `gpgv exited ${code}`);
    throw new SignatureError(`signature not valid: ${describeStatus(reason)}`, where);
  }
  const fields = valid.split(' ');
  const signingFingerprint = (fields[2] ?? '').toUpperCase();
  const primaryFingerprint = (fields[11] ?? fields[2] ?? '').toUpperCase();
  if (keys.fingerprints && keys.fingerprints.length > 0) {
    const wanted = keys.fingerprints.map((f) => f.toUpperCase());
    const ok = wanted.some((f) => signingFingerprint.endsWith(f) || primaryFingerprint.endsWith(f));
    if (!ok) throw new SignatureError(`signed by ${primaryFingerprint}, which is not a configured fingerprint (${wanted.join(', ')})`, where);
  }
  return { signature: { primaryFingerprint, signingFingerprint } };
}

function describeStatus(line: string): string {
  const [word, ...rest] = line.split(' ');
  switch (word) {
    case 'BADSIG':
      return `BAD signature from ${rest.slice(1).join(' ') || rest[0]}`;
    case 'NO_PUBKEY':
      return `signed by key ${rest[0]}, which is not in the configured keyring`;
    case 'EXPKEYSIG':
      return `signed by an expired key ${rest[0]}`;
    case 'REVKEYSIG':
      return `signed by a revoked key ${rest[0]}`;
    case 'NODATA':
      return 'no signature found';
    default:
      return line;
  }
}

/** Armoured OpenPGP key block → binary packets; binary input is returned as is. */
export function dearmor(bytes: Buffer, file: string, where: ErrorLocation): Buffer {
  const text = bytes.subarray(0, 64).toString('latin1');
  if (!text.includes('-----BEGIN PGP')) return bytes;
  const all = bytes.toString('utf8');
  const out: Buffer[] = [];
  const block = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/g;
  for (let m = block.exec(all); m; m = block.exec(all)) {
    const lines = m[1]!.split(/\r?\n/);
    // Armour headers end at the first empty line (there may be none).
    const blank = lines.findIndex((l) => l.trim() === '');
    const body = (blank >= 0 && lines.slice(0, blank).every((l) => /^[A-Za-z-]+: /.test(l)) ? lines.slice(blank + 1) : lines)
      .filter((l) => !l.startsWith('=') && l.trim() !== '')
      .join('');
    out.push(Buffer.from(body, 'base64'));
  }
  if (out.length === 0) throw new SignatureError(`${file} is armoured but holds no public key block`, where);
  return Buffer.concat(out);
}

async function withWorkDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'repoclash-gpgv-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, where: ErrorLocation): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(new SignatureError(err.code === 'ENOENT' ? 'gpgv is not installed (Debian package gpgv)' : `cannot run gpgv: ${err.message}`, where)),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Fingerprints of the primary keys in a key file (armoured or binary), as `gpg --show-keys` reads
 * them: what dnf shows before it imports a repo's gpgkey. Empty when it holds no public key.
 */
export async function keyFingerprints(bytes: Buffer, where: ErrorLocation): Promise<string[]> {
  return withWorkDir(async (dir) => {
    const file = path.join(dir, 'key.gpg');
    await writeFile(file, dearmor(bytes, where.file ?? 'key', where));
    const { code, stdout } = await run('gpg', ['--batch', '--with-colons', '--show-keys', file], { ...process.env, GNUPGHOME: dir, LC_ALL: 'C' }, where);
    if (code !== 0) return [];
    const out: string[] = [];
    let primary = false;
    for (const line of stdout.split('\n')) {
      if (line.startsWith('pub:')) primary = true;
      else if (line.startsWith('sub:')) primary = false;
      else if (line.startsWith('fpr:') && primary) {
        out.push((line.split(':')[9] ?? '').toUpperCase());
        primary = false;
      }
    }
    return out.filter((f) => f !== '');
  });
}
