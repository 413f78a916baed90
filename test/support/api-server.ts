/**
 * A JSON API on 127.0.0.1 for the release-source tests: routes answer with the status, headers and
 * body a test gives (GitHub's Link and x-ratelimit-* headers, GitLab's x-next-page, malformed or
 * huge bodies). Every body gets an ETag, and a matching If-None-Match is answered 304, as GitHub
 * and GitLab do. Unrouted paths are 404 with a JSON message.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface ApiRequest {
  method: string;
  /** Path with query string. */
  path: string;
  pathname: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface ApiReply {
  status?: number;
  /** Extra response headers; undefined values are left out. */
  headers?: Record<string, string | undefined>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

export type ApiRoute = (req: ApiRequest) => ApiReply | undefined;

export interface ApiServer {
  url: string;
  requests: ApiRequest[];
  /** Answer requests whose pathname equals `pathname` (or matches the RegExp); later routes win. */
  route(pathname: string | RegExp, reply: ApiRoute | ApiReply): void;
  count(pathname: string | RegExp): number;
  close(): Promise<void>;
}

export async function startApiServer(): Promise<ApiServer> {
  const routes: Array<{ pattern: string | RegExp; reply: ApiRoute | ApiReply }> = [];
  const requests: ApiRequest[] = [];
  const matches = (p: string | RegExp, pathname: string) => (typeof p === 'string' ? p === pathname : p.test(pathname));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: ApiRequest = { method: req.method ?? 'GET', path: req.url ?? '/', pathname: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers, status: 0 };
    requests.push(entry);
    let reply: ApiReply | undefined;
    for (let i = routes.length - 1; i >= 0 && reply === undefined; i--) {
      const r = routes[i]!;
      if (matches(r.pattern, entry.pathname)) reply = typeof r.reply === 'function' ? r.reply(entry) : r.reply;
    }
    reply ??= { status: 404, body: { message: 'Not Found' } };
    const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    const status = reply.status ?? 200;
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const extra = Object.fromEntries(Object.entries(reply.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
    const headers = { 'content-type': 'application/json; charset=utf-8', etag, ...extra };
    if (status === 200 && req.headers['if-none-match'] === etag) {
      entry.status = 304;
      res.writeHead(304, { etag, ...extra });
      res.end();
      return;
    }
    entry.status = status;
    res.writeHead(status, { ...headers, 'content-length': body.length });
    res.end(body);
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (pattern, reply) => {
      routes.push({ pattern, reply });
    },
    count: (pattern) => requests.filter((r) => matches(pattern, r.pathname)).length,
    close,
  };
}
