/**
 * The weekly report by e-mail (nodemailer): multipart/alternative with a text part and an HTML
 * part whose charts are inline PNGs referenced by Content-ID — mail clients that block data: URIs
 * or strip SVG still show them. SMTP settings come from `report.email` in repos.yaml; the password
 * from an environment variable or a file, and it never appears in what we print.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EmailConfig } from '../config/types.js';
import { ConfigError, RepoclashError } from '../errors.js';

export interface InlineImage {
  /** Content-ID without the angle brackets; the HTML refers to it as `cid:…`. */
  cid: string;
  filename: string;
  png: Buffer;
}

export interface MailContent {
  subject: string;
  text: string;
  /** HTML whose images are `cid:` references to `images`. */
  html: string;
  images: InlineImage[];
}

/** The transport's secrets, resolved before anything is sent (a missing one is a config error). */
export interface SmtpSecrets {
  password?: string;
  /** PEM text of report.email.ca-file. */
  ca?: string;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

/**
 * Read the password (when report.email.user is set) and the CA file. Relative files are taken
 * from the directory of repos.yaml. Throws ConfigError naming the setting at fault.
 */
export function resolveSmtpSecrets(config: EmailConfig, configDir: string, env: NodeJS.ProcessEnv = process.env): SmtpSecrets {
  if (config.security === 'none' && !LOOPBACK.test(config.host)) {
    throw new ConfigError(`report.email.security: "none" sends mail (and the password) unencrypted; it is only allowed for a relay on loopback, not ${config.host}`);
  }
  const secrets: SmtpSecrets = {};
  if (config.caFile) {
    const file = path.resolve(configDir, config.caFile);
    try {
      secrets.ca = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`report.email.ca-file: cannot read ${file}: ${(err as Error).message}`);
    }
  }
  if (!config.user) return secrets;
  if (config.passwordEnv) {
    const value = env[config.passwordEnv];
    if (value === undefined || value === '') {
      throw new ConfigError(`report.email.password-env: the environment variable ${config.passwordEnv} is not set (it should hold the SMTP password of ${config.user})`);
    }
    secrets.password = value;
  } else if (config.passwordFile) {
    const file = path.resolve(configDir, config.passwordFile);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`report.email.password-file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // One line, as `echo secret > file` writes it.
    secrets.password = text.replace(/\r?\n$/, '');
    if (secrets.password === '') throw new ConfigError(`report.email.password-file: ${file} is empty`);
  } else {
    throw new ConfigError('report.email.user is set but neither password-env nor password-file says where its password is');
  }
  return secrets;
}

function message(config: EmailConfig, content: MailContent) {
  return {
    from: config.from,
    to: config.to,
    subject: content.subject,
    text: content.text,
    html: content.html,
    attachments: content.images.map((img) => ({ filename: img.filename, content: img.png, contentType: 'image/png', cid: img.cid, contentDisposition: 'inline' as const })),
  };
}

/** The message as an RFC 5322 file (`--dry-run`): nothing is sent, no credentials are needed. */
export async function renderEml(config: EmailConfig, content: MailContent): Promise<Buffer> {
  // nodemailer is loaded only when a mail is made: the report command starts faster without it.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail(message(config, content));
  return info.message as Buffer;
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

/** Raised for any failure to hand the mail over; the message is safe to print. */
export class MailSendError extends RepoclashError {
  readonly kind = 'mail' as const;
  constructor(
    message: string,
    /** The SMTP client's error code (EAUTH, ECONNECTION, …), when it gave one. */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export async function sendReportMail(config: EmailConfig, content: MailContent, secrets: SmtpSecrets): Promise<SendResult> {
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    ...(config.user ? { auth: { user: config.user, pass: secrets.password ?? '' } } : {}),
    tls: { ...(secrets.ca ? { ca: secrets.ca } : {}), minVersion: 'TLSv1.2' as const },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail(message(config, content));
    const addresses = (list: unknown): string[] => (Array.isArray(list) ? list.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address))) : []);
    return { messageId: info.messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected), response: info.response };
  } catch (err) {
    throw new MailSendError(describeSmtpError(err, config, secrets), (err as { code?: string }).code);
  } finally {
    transport.close();
  }
}

/** Remove the password (plain and as AUTH PLAIN / LOGIN would encode it) from text we print. */
function scrub(text: string, config: EmailConfig, secrets: SmtpSecrets): string {
  const pass = secrets.password;
  // Very short passwords would blank out ordinary letters of the message; they never reach
  // the message anyway (we build it from the server's reply), this is only a safety net.
  if (!pass || pass.length < 4) return text;
  const forms = [pass, Buffer.from(pass).toString('base64'), Buffer.from(`\0${config.user ?? ''}\0${pass}`).toString('base64')];
  let out = text;
  for (const f of forms) out = out.split(f).join('***');
  return out;
}

/** One sentence saying what failed and which setting to look at. */
export function describeSmtpError(err: unknown, config: EmailConfig, secrets: SmtpSecrets): string {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const where = `${config.host}:${config.port}`;
  let response = (e.response ?? e.message ?? String(err)).trim();
  // OpenSSL's record-layer error for a plain-text reply where TLS was expected.
  if (/wrong version number/i.test(response)) response = 'the server did not answer in TLS (OpenSSL: wrong version number)';
  let text: string;
  if (e.code === 'EAUTH') {
    const source = config.passwordEnv ? `$${config.passwordEnv}` : config.passwordFile ? `the file ${config.passwordFile}` : 'the password';
    text = `the SMTP server ${where} rejected the login of user "${config.user ?? ''}" (${response}): check report.email.user and ${source}`;
  } else if (e.code === 'ENOAUTH') {
    text = `the SMTP server ${where} wants a login: set report.email.user and password-env or password-file`;
  } else if (/certificate|self[- ]signed|CERT_|ssl|tls/i.test(`${e.code ?? ''} ${response}`)) {
    text = `TLS with the SMTP server ${where} failed: ${response}${/certificate|CERT_/i.test(response) ? '; for a self-signed or private-CA certificate set report.email.ca-file' : ''}${config.security === 'tls' ? ' (security: tls expects implicit TLS, usually port 465; use starttls for port 587)' : ''}`;
  } else if (e.code === 'ETIMEDOUT') {
    text = `the SMTP server ${where} did not answer in time (${response})`;
  } else if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'EDNS') {
    text = `could not talk to the SMTP server ${where}: ${response}`;
  } else if (e.code === 'EENVELOPE') {
    text = `the SMTP server ${where} refused the sender or recipients (report.email.from / to): ${response}`;
  } else {
    text = `sending through ${where} failed${e.code ? ` (${e.code})` : ''}: ${response}`;
  }
  return scrub(text, config, secrets);
}
