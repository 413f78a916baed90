/**
 * The weekly mail through a real SMTP server on loopback (smtp-server): STARTTLS with a
 * self-signed certificate made by openssl and trusted through report.email.ca-file, AUTH with the
 * password from an environment variable, the received message parsed with mailparser. Wrong
 * credentials and an untrusted certificate must fail clearly, leave the files, exit 5.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSubject, type WeeklyReport } from '../../src/report/weekly.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { repoclash, type Run } from '../support/cli.js';
import { twoVendorConfig } from '../support/repos-yaml.js';
import { makeSelfSignedCert } from '../support/tls-cert.js';

const PASSWORD = 'correct horse battery staple';
const USER = 'reporter';

let work: string;
let repoServer: RepoServer;
let smtp: SMTPServer;
let smtpPort: number;
const received: Array<{ raw: Buffer; secure: boolean; user: unknown; rcpt: string[] }> = [];

async function startSmtp(key: Buffer, cert: Buffer): Promise<void> {
  smtp = new SMTPServer({
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      return callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), secure: session.secure, user: session.user, rcpt: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
}

function config(extraEmail: string, extraRepos = ''): string {
  return twoVendorConfig(
    repoServer.url,
    extraRepos,
    `report:
  email:
    host: 127.0.0.1
    port: ${smtpPort}
    security: starttls
    user: ${USER}
    password-env: REPOCLASH_TEST_SMTP_PASSWORD
    from: repoclash@example.org
    to: [ops@example.org, lead@example.org]
${extraEmail}`,
  );
}

async function report(configText: string, out: string, extra: string[] = [], env: NodeJS.ProcessEnv = { REPOCLASH_TEST_SMTP_PASSWORD: PASSWORD }): Promise<Run> {
  const file = path.join(work, `repos-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, configText);
  return repoclash(work, ['report', '--config', file, '--db', path.join(work, 'store.db'), '--week', '2026-W20', '--out', out, '--email', ...extra], { env });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-mail-'));
  const certificate = await makeSelfSignedCert(work);
  await startSmtp(certificate.key, certificate.cert);
  await buildRpmRepo({ dir: path.join(work, 'www/distro'), rpms: [{ name: 'grafana', version: '9.0.0', release: '1', arch: 'x86_64', vendor: 'Fedora Project' }] });
  await buildRpmRepo({ dir: path.join(work, 'www/vendor'), rpms: [{ name: 'grafana', version: '10.0.0', release: '1', arch: 'x86_64', vendor: 'Grafana Labs' }] });
  repoServer = await startRepoServer({ root: path.join(work, 'www') });
  await writeFile(path.join(work, 'crawl.yaml'), twoVendorConfig(repoServer.url));
  const crawl = await repoclash(work, ['crawl', '--config', path.join(work, 'crawl.yaml'), '--db', path.join(work, 'store.db')]);
  if (crawl.code !== 0) throw new Error(`crawl failed: ${crawl.stderr}`);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await repoServer?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function checkMail(mail: ParsedMail, report: WeeklyReport): void {
  const counts = report.counts.total;
  // The subject counts what needs a person (its wording is weekly.test.ts's); the info tail is apart.
  expect(mail.subject).toBe(reportSubject(report));
  expect(mail.subject).toMatch(/^\[repoclash\] 2026-W20: \d+ new, \d+ resolved, \d+ ongoing( \(\+[\d,]+ info\))?$/);
  expect(counts.new).toBeGreaterThan(0);
  expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
  expect(mail.text).toContain('NEW THIS WEEK');
  expect(mail.text).toContain('grafana');
  const html = mail.html || '';
  expect(html).toContain('repoclash weekly report — 2026-W20');
  expect(html).not.toContain('data:image');
  const images = mail.attachments.filter((a) => a.contentType === 'image/png');
  expect(images).toHaveLength(2);
  for (const img of images) {
    expect(img.related).toBe(true);
    expect(img.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(html).toContain(`src="cid:${img.cid}"`);
  }
}

describe('report --email', () => {
  it('sends multipart/alternative text + HTML with inline charts over STARTTLS with a self-signed certificate', async () => {
    const out = path.join(work, 'sent');
    const before = received.length;
    const run = await report(config(`    ca-file: ${path.join(work, 'cert.pem')}\n`), out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mailed to ops@example.org, lead@example.org');
    expect(received.length).toBe(before + 1);
    const got = received[received.length - 1]!;
    expect(got.secure).toBe(true);
    expect(got.user).toBe(USER);
    expect(got.rcpt).toEqual(['ops@example.org', 'lead@example.org']);
    const json = JSON.parse(await readFile(path.join(out, '2026-W20.json'), 'utf8')) as WeeklyReport;
    const mail = await simpleParser(got.raw, { skipImageLinks: true });
    checkMail(mail, json);
    expect(mail.from?.text).toBe('repoclash@example.org');
    expect(got.raw.toString('latin1')).not.toContain(PASSWORD);
  }, 60_000);

  it('wrong credentials: a clear error without the password, report files written, exit 5', async () => {
    const out = path.join(work, 'wrong');
    const before = received.length;
    const run = await report(config(`    ca-file: ${path.join(work, 'cert.pem')}\n`), out, [], { REPOCLASH_TEST_SMTP_PASSWORD: 'hunter2-wrong' });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^repoclash: report written to .* but not mailed: the SMTP server 127\.0\.0\.1:\d+ rejected the login of user "reporter" \(535[^)]*Invalid username or password\): check report\.email\.user and \$REPOCLASH_TEST_SMTP_PASSWORD\n$/);
    expect(run.stderr + run.stdout).not.toContain('hunter2-wrong');
    expect(run.stderr + run.stdout).not.toContain(Buffer.from('hunter2-wrong').toString('base64'));
    for (const ext of ['md', 'html', 'json', 'txt']) expect(existsSync(path.join(out, `2026-W20.${ext}`))).toBe(true);
    expect(received.length).toBe(before);
  }, 60_000);

  it('wrong credentials and a repo without data: exit 5, and the missing repo is still named on stderr', async () => {
    const gone = '  gone:\n    vendor: Nobody\n    role: third-party\n    format: rpm\n    baseurl: http://127.0.0.1:9/gone/\n';
    const run = await report(config(`    ca-file: ${path.join(work, 'cert.pem')}\n`, gone), path.join(work, 'wrong-partial'), [], { REPOCLASH_TEST_SMTP_PASSWORD: 'hunter2-wrong' });
    expect(run.code).toBe(5);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^repoclash: report written to .* but not mailed: /);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^repoclash: repo gone: /)]);
  }, 60_000);

  it('an untrusted self-signed certificate fails with a hint at ca-file', async () => {
    const run = await report(config(''), path.join(work, 'untrusted'));
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/TLS with the SMTP server 127\.0\.0\.1:\d+ failed: .*self[- ]signed.*; for a self-signed or private-CA certificate set report\.email\.ca-file/);
  }, 60_000);

  it('a missing password variable is a config error (exit 2) before anything is written', async () => {
    const out = path.join(work, 'nopass');
    const run = await report(config(''), out, [], { REPOCLASH_TEST_SMTP_PASSWORD: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('report.email.password-env: the environment variable REPOCLASH_TEST_SMTP_PASSWORD is not set');
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('--dry-run writes the .eml and sends nothing', async () => {
    const out = path.join(work, 'dry');
    const before = received.length;
    const run = await report(config(''), out, ['--dry-run'], {});
    expect(run.code).toBe(0);
    expect(received.length).toBe(before);
    const json = JSON.parse(await readFile(path.join(out, '2026-W20.json'), 'utf8')) as WeeklyReport;
    checkMail(await simpleParser(await readFile(path.join(out, '2026-W20.eml')), { skipImageLinks: true }), json);
  }, 60_000);
});
