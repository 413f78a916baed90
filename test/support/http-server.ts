/**
 * A static file server on 127.0.0.1 for integration tests, with per-path fault injection.
 * Serves real files so real dnf/apt and our own fetcher can be pointed at it.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { listenOnLoopback } from './loopback.js';
import path from 'node:path';

export interface LoggedRequest {
  method: string;
  /** URL path including the query string, as the client sent it. */
  path: string;
  status: number;
  /** The fault that handled the request, if any. */
  fault?: FaultKind;
  /** When the request arrived (ms since the epoch). */
  at: number;
  /** The Authorization header, when the client sent credentials. */
  authorization?: string;
}

export type PathPattern = string | RegExp;
export type FaultKind = 'fail' | 'reset' | 'stall' | 'truncate' | 'redirectLoop' | 'drip';

export interface RepoServer {
  /** "http://127.0.0.1:PORT" (no trailing slash). */
  url: string;
  root: string;
  requests: LoggedRequest[];
  /** Requests whose path starts with the string / matches the regex. */
  count(pattern: PathPattern): number;
  /** Answer with `status` (default 500) instead of the file, `times` times (default: forever). */
  fail(pattern: PathPattern, opts?: { status?: number; times?: number; reason?: string; headers?: http.OutgoingHttpHeaders }): void;
  /** Send headers and half the body, then destroy the socket (connection reset mid-response). */
  reset(pattern: PathPattern, opts?: { times?: number }): void;
  /** Send headers and half the body, then nothing, holding the connection open until close(). */
  stall(pattern: PathPattern, opts?: { times?: number }): void;
  /** Serve only the first `bytes` bytes as a complete, well-formed response (Content-Length matches). */
  truncate(pattern: PathPattern, bytes: number, opts?: { times?: number }): void;
  /** Announce the full length, then send one byte every `intervalMs` (never idle long enough to time out). */
  drip(pattern: PathPattern, opts?: { times?: number; intervalMs?: number }): void;
  /** 302 back to the same path (with a changing query) forever. */
  redirectLoop(pattern: PathPattern, opts?: { times?: number }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface Fault {
  kind: FaultKind;
  pattern: PathPattern;
  remaining: number;
  status?: number;
  bytes?: number;
  intervalMs?: number;
  /** HTTP reason phrase instead of the standard one (latin-1: C1 controls are possible). */
  reason?: string;
  headers?: http.OutgoingHttpHeaders;
}

/** A string pattern is a path prefix; a RegExp is tested against the path without query. */
function matches(pattern: PathPattern, urlPath: string): boolean {
  return typeof pattern === 'string' ? urlPath.startsWith(pattern) : pattern.test(urlPath);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function etagFor(st: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `"${st.ino.toString(16)}-${st.size.toString(16)}-${st.mtimeNs.toString(16)}"`;
}

export interface RepoServerOptions {
  root: string;
  /** Paths under `prefix` answer 401 (HTTP Basic, realm "repoclash test") unless sent this login. */
  logins?: { prefix: string; username: string; password: string }[];
  /**
   * Serve https with this PEM certificate and key (test/support/tls-cert.ts) instead of http;
   * with `clientCa`, only to clients presenting a certificate that CA signed.
   */
  tls?: { cert: Buffer | string; key: Buffer | string; clientCa?: Buffer | string };
}

export async function startRepoServer(opts: RepoServerOptions): Promise<RepoServer> {
  const root = path.resolve(opts.root);
  const requests: LoggedRequest[] = [];
  let faults: Fault[] = [];

  const takeFault = (urlPath: string): Fault | undefined => {
    const fault = faults.find((f) => f.remaining > 0 && matches(f.pattern, urlPath));
    if (fault) fault.remaining -= 1;
    return fault;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const rawPath = req.url ?? '/';
    const urlPath = decodeURIComponent(rawPath.split('?')[0] ?? '/');
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: rawPath, status: 0, at: Date.now(), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    requests.push(entry);
    const respond = (status: number, headers: http.OutgoingHttpHeaders = {}, body = ''): void => {
      entry.status = status;
      res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };

    const login = opts.logins?.find((l) => urlPath.startsWith(l.prefix));
    if (login && req.headers.authorization !== `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`) {
      return respond(401, { 'WWW-Authenticate': 'Basic realm="repoclash test"', 'Content-Type': 'text/plain' }, 'unauthorized\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return respond(405, { Allow: 'GET, HEAD' });
    const filePath = path.join(root, urlPath);
    if (filePath !== root && !filePath.startsWith(root + path.sep)) return respond(403);

    const fault = takeFault(urlPath);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'fail') {
      const status = fault.status ?? 500;
      const body = `injected ${status}\n`;
      entry.status = status;
      const headers = { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), ...fault.headers };
      if (fault.reason !== undefined) res.writeHead(status, fault.reason, headers);
      else res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (fault?.kind === 'redirectLoop') {
      const hop = Number(/[?&]hop=(\d+)/.exec(rawPath)?.[1] ?? 0) + 1;
      return respond(302, { Location: `${urlPath}?hop=${hop}` });
    }

    // A file named with the query (`metalink?repo=fedora-40&arch=x86_64`) answers that query:
    // how a test serves a different metalink per repo at one address, as mirror managers do.
    const queryPath = rawPath.includes('?') ? path.join(root, decodeURIComponent(rawPath)) : null;
    const servedPath = queryPath !== null && queryPath.startsWith(root + path.sep) && (await isFile(queryPath)) ? queryPath : filePath;
    let st;
    try {
      st = await stat(servedPath, { bigint: true });
    } catch {
      return respond(404, { 'Content-Type': 'text/plain' }, 'not found\n');
    }
    if (!st.isFile()) return respond(404, { 'Content-Type': 'text/plain' }, 'not a file\n');

    const etag = etagFor(st);
    const mtimeSeconds = Number(st.mtimeMs / 1000n);
    const lastModified = new Date(mtimeSeconds * 1000).toUTCString();
    const validators = { ETag: etag, 'Last-Modified': lastModified };
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
    const notModified =
      inm !== undefined
        ? inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*')
        : ims !== undefined && !Number.isNaN(Date.parse(ims)) && mtimeSeconds * 1000 <= Date.parse(ims);
    if (notModified && !fault) {
      entry.status = 304;
      res.writeHead(304, validators);
      res.end();
      return;
    }

    const size = Number(st.size);
    if (fault?.kind === 'truncate') {
      const body = (await readFile(servedPath)).subarray(0, Math.min(fault.bytes ?? 0, size));
      entry.status = 200;
      res.writeHead(200, { ...validators, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (fault?.kind === 'drip') {
      const body = await readFile(filePath);
      entry.status = 200;
      res.writeHead(200, { ...validators, 'Content-Length': size });
      res.flushHeaders();
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= body.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(sent, sent + 1));
        sent++;
      }, fault.intervalMs ?? 500);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (fault?.kind === 'reset' || fault?.kind === 'stall') {
      // Announce the full length so the client knows the body is incomplete.
      const body = await readFile(servedPath);
      entry.status = 200;
      res.writeHead(200, { ...validators, 'Content-Length': size });
      res.flushHeaders();
      res.write(body.subarray(0, Math.floor(size / 2)), () => {
        if (fault.kind === 'reset') res.socket?.resetAndDestroy();
      });
      return; // stall: never end; close() destroys the socket.
    }

    entry.status = 200;
    res.writeHead(200, { ...validators, 'Content-Length': size, 'Content-Type': 'application/octet-stream' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(servedPath).on('error', () => res.destroy()).pipe(res);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
      else res.destroy();
    });
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key, ...(opts.tls.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: opts.tls.clientCa } : {}) }, onRequest) : http.createServer(onRequest);
  const { port, close } = await listenOnLoopback(server);

  const addFault = (f: Omit<Fault, 'remaining'>, times: number | undefined): void => {
    faults.push({ ...f, remaining: times ?? Number.POSITIVE_INFINITY });
  };

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    root,
    requests,
    count: (pattern) => requests.filter((r) => matches(pattern, r.path.split('?')[0] ?? r.path)).length,
    fail: (pattern, o = {}) =>
      addFault({ kind: 'fail', pattern, status: o.status ?? 500, ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.headers ? { headers: o.headers } : {}) }, o.times),
    reset: (pattern, o = {}) => addFault({ kind: 'reset', pattern }, o.times),
    stall: (pattern, o = {}) => addFault({ kind: 'stall', pattern }, o.times),
    truncate: (pattern, bytes, o = {}) => addFault({ kind: 'truncate', pattern, bytes }, o.times),
    redirectLoop: (pattern, o = {}) => addFault({ kind: 'redirectLoop', pattern }, o.times),
    drip: (pattern, o = {}) => addFault({ kind: 'drip', pattern, intervalMs: o.intervalMs ?? 500 }, o.times),
    clearFaults: () => {
      faults = [];
    },
    close,
  };
}
