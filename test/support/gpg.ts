/**
 * Throwaway OpenPGP keys for signing test repositories (InRelease, Release.gpg, repomd.xml.asc).
 * The GNUPGHOME lives in a short path under os.tmpdir() because gpg-agent's socket path must stay
 * under ~100 bytes; the exported keyrings go into the caller's `dir`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execTool } from './exec.js';

export interface GpgKey {
  /** Private GNUPGHOME holding the secret key. */
  homedir: string;
  fingerprint: string;
  publicKeyArmored: string;
  /** Binary (non-armoured) public keyring: usable by `gpgv --keyring` and apt's Signed-By. */
  publicKeyringPath: string;
  /** Armoured public key file (`.asc`), for dnf `gpgkey=` or apt Signed-By as well. */
  publicKeyArmoredPath: string;
  /** Stop the gpg-agent this key started and delete the GNUPGHOME. */
  dispose(): Promise<void>;
}

const noPassphrase = ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', ''];

function gpg(homedir: string, args: string[], input?: string) {
  return execTool('gpg', ['--homedir', homedir, '--no-permission-warning', ...args], { input });
}

export async function makeThrowawayKey(dir: string, uid = 'repoclash test key <repoclash-test@example.invalid>'): Promise<GpgKey> {
  await mkdir(dir, { recursive: true });
  const homedir = await mkdtemp(path.join(os.tmpdir(), 'rc-gpg-'));
  // ed25519 keys generate instantly (no entropy wait) and gpgv/apt accept them.
  await gpg(homedir, [...noPassphrase, '--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
  const listing = await gpg(homedir, ['--with-colons', '--list-keys', uid]);
  const fpr = listing.stdout.split('\n').find((l) => l.startsWith('fpr:'));
  const fingerprint = fpr?.split(':')[9];
  if (!fingerprint) throw new Error(`no fingerprint in gpg output:\n${listing.stdout}`);

  const armored = (await gpg(homedir, ['--armor', '--export', fingerprint])).stdout;
  const publicKeyringPath = path.join(dir, 'repo-key.gpg');
  const publicKeyArmoredPath = path.join(dir, 'repo-key.asc');
  await gpg(homedir, ['--batch', '--yes', '--output', publicKeyringPath, '--export', fingerprint]);
  await writeFile(publicKeyArmoredPath, armored);

  return {
    homedir,
    fingerprint,
    publicKeyArmored: armored,
    publicKeyringPath,
    publicKeyArmoredPath,
    async dispose() {
      await execTool('gpgconf', ['--homedir', homedir, '--kill', 'gpg-agent'], { allowFailure: true });
      await rm(homedir, { recursive: true, force: true });
    },
  };
}

/** Write `outPath` as a clearsigned copy of `inPath` (Debian InRelease). */
export async function clearsign(key: GpgKey, inPath: string, outPath: string): Promise<void> {
  await gpg(key.homedir, [...noPassphrase, '--local-user', key.fingerprint, '--digest-algo', 'SHA512', '--output', outPath, '--clearsign', inPath]);
}

/** Write `outPath` as an armoured detached signature of `inPath` (Release.gpg, repomd.xml.asc). */
export async function detachSign(key: GpgKey, inPath: string, outPath: string): Promise<void> {
  await gpg(key.homedir, [
    ...noPassphrase,
    '--local-user',
    key.fingerprint,
    '--digest-algo',
    'SHA512',
    '--armor',
    '--output',
    outPath,
    '--detach-sign',
    inPath,
  ]);
}
