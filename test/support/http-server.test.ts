import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRepoServer, type RepoServer } from './http-server.js';

let dir: string;
let server: RepoServer;
const body = Buffer.from('0123456789'.repeat(1000)); // 10,000 bytes

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rc-http-'));
  await writeFile(path.join(dir, 'data.bin'), body);
  await writeFile(path.join(dir, 'other.txt'), 'other\n');
  server = await startRepoServer({ root: dir });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => server.clearFaults());

/** Raw GET that reports what actually arrived, including aborted bodies. */
function rawGet(urlPath: string, timeoutMs = 2000): Promise<{ status: number; headers: http.IncomingHttpHeaders; received: number; outcome: 'end' | 'aborted' | 'timeout' }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${urlPath}`, { agent: false }, (res) => {
      let received = 0;
      let settled = false;
      const done = (outcome: 'end' | 'aborted' | 'timeout') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, received, outcome });
      };
      const timer = setTimeout(() => {
        done('timeout');
        req.destroy();
      }, timeoutMs);
      res.on('data', (c: Buffer) => (received += c.length));
      res.on('end', () => done('end'));
      res.on('aborted', () => done('aborted'));
      res.on('error', () => done('aborted'));
      res.on('close', () => done(res.complete ? 'end' : 'aborted'));
    });
    req.on('error', reject);
  });
}

describe('startRepoServer', () => {
  it('serves files on 127.0.0.1 with validators and logs requests', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const before = server.count('/data.bin');
    const res = await fetch(`${server.url}/data.bin`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    expect(res.headers.get('last-modified')).toBeTruthy();
    expect(server.count('/data.bin')).toBe(before + 1);
    expect(server.count(/\.bin$/)).toBe(before + 1);
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/data.bin', status: 200 });
    expect((await fetch(`${server.url}/missing`)).status).toBe(404);
    expect((await fetch(`${server.url}/../etc/passwd`)).status).not.toBe(200);
  });

  it('answers 304 to a matching If-None-Match and 200 once the file changes', async () => {
    const first = await fetch(`${server.url}/other.txt`);
    await first.text();
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${server.url}/other.txt`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(server.requests.at(-1)?.status).toBe(304);

    await writeFile(path.join(dir, 'other.txt'), 'changed content\n');
    const changed = await fetch(`${server.url}/other.txt`, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe('changed content\n');
  });

  it('answers 304 to If-Modified-Since not older than the file', async () => {
    const mtime = new Date('2024-01-02T03:04:05Z');
    await utimes(path.join(dir, 'data.bin'), mtime, mtime);
    const same = await fetch(`${server.url}/data.bin`, { headers: { 'If-Modified-Since': mtime.toUTCString() } });
    expect(same.status).toBe(304);
    const older = await fetch(`${server.url}/data.bin`, { headers: { 'If-Modified-Since': new Date('2024-01-01T00:00:00Z').toUTCString() } });
    expect(older.status).toBe(200);
    await older.arrayBuffer();
  });

  it('fail() injects a status for the given number of times, then serves normally', async () => {
    server.fail(/^\/data\.bin$/, { status: 503, times: 2 });
    expect((await fetch(`${server.url}/data.bin`)).status).toBe(503);
    expect((await fetch(`${server.url}/other.txt`)).status).toBe(200); // other paths untouched
    expect((await fetch(`${server.url}/data.bin`)).status).toBe(503);
    const ok = await fetch(`${server.url}/data.bin`);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(server.requests.filter((r) => r.fault === 'fail')).toHaveLength(2);
  });

  it('reset() cuts the connection mid-body', async () => {
    server.reset('/data.bin', { times: 1 });
    const r = await rawGet('/data.bin');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(body.length));
    expect(r.outcome).toBe('aborted');
    expect(r.received).toBeLessThan(body.length);
    await expect(fetch(`${server.url}/data.bin`).then((x) => x.arrayBuffer())).resolves.toHaveProperty('byteLength', body.length);
  });

  it('stall() sends part of the body then goes silent', async () => {
    server.stall('/data.bin');
    const r = await rawGet('/data.bin', 700);
    expect(r.status).toBe(200);
    expect(r.outcome).toBe('timeout');
    expect(r.received).toBe(body.length / 2);
  });

  it('truncate() serves a short but well-formed body', async () => {
    server.truncate('/data.bin', 100);
    const res = await fetch(`${server.url}/data.bin`);
    expect(res.status).toBe(200);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.length).toBe(100);
    expect(got.equals(body.subarray(0, 100))).toBe(true);
  });

  it('redirectLoop() keeps redirecting to itself', async () => {
    server.redirectLoop('/data.bin');
    const hop = await fetch(`${server.url}/data.bin`, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    expect(hop.headers.get('location')).toMatch(/^\/data\.bin\?hop=1$/);
    await expect(fetch(`${server.url}/data.bin`)).rejects.toThrow();
    expect(server.count('/data.bin')).toBeGreaterThan(5);
  });

  it('clearFaults() removes every fault', async () => {
    server.fail('/', { status: 500 });
    expect((await fetch(`${server.url}/other.txt`)).status).toBe(500);
    server.clearFaults();
    expect((await fetch(`${server.url}/other.txt`)).status).toBe(200);
  });
});
