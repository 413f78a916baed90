/**
 * curl's proxy rules (what dnf gets through librepo, and what repoclash applies to its own repos)
 * against curl itself: for each environment and URL, the real curl either asks the test proxy
 * (tinyproxy logs the request) or goes direct; selectProxy must say the same.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyEnvironment, selectProxy } from '../../src/fetch/proxy.js';
import { ENVIRONMENT_ONLY } from '../../src/proxy-settings.js';
import { execTool } from '../support/exec.js';
import { tearDown } from '../support/teardown.js';
import { startTinyproxy, type TestProxy } from '../support/tinyproxy.js';

let work: string;
let proxy: TestProxy;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-proxy-rules-'));
  proxy = await startTinyproxy(path.join(work, 'proxy'), { connectPorts: [443] });
});
afterAll(() => tearDown(work, proxy));

const CLEAN = { http_proxy: undefined, https_proxy: undefined, HTTP_PROXY: undefined, HTTPS_PROXY: undefined, all_proxy: undefined, ALL_PROXY: undefined, no_proxy: undefined, NO_PROXY: undefined };

/** Did real curl send this request to the proxy? (A direct request goes to 127.0.0.1 and is refused.) */
async function curlUsesProxy(url: string, env: Record<string, string>): Promise<boolean> {
  const host = new URL(url).hostname;
  const before = (await proxy.requests()).length;
  await execTool('curl', ['-s', '-o', '/dev/null', '--max-time', '5', '--resolve', `${host}:80:127.0.0.1`, '--resolve', `${host}:443:127.0.0.1`, url], { env: { ...CLEAN, ...env }, allowFailure: true });
  return (await proxy.requests()).slice(before).some((line) => line.includes(host));
}

const P = 'PROXY';
const CASES: Array<[string, Record<string, string>]> = [
  ['http://repo.example.test/', { http_proxy: P }],
  ['http://repo.example.test/', { HTTP_PROXY: P }],
  ['https://repo.example.test/', { HTTPS_PROXY: P }],
  ['https://repo.example.test/', { https_proxy: P }],
  ['https://repo.example.test/', { http_proxy: P }],
  ['http://repo.example.test/', { ALL_PROXY: P }],
  ['http://repo.example.test/', { http_proxy: P, no_proxy: 'example.test' }],
  ['http://repo.example.test/', { http_proxy: P, no_proxy: '.example.test' }],
  ['http://repo.example.test/', { http_proxy: P, no_proxy: 'ample.test' }],
  ['http://repo.example.test/', { http_proxy: P, no_proxy: 'other.test, example.test' }],
  ['http://repo.example.test/', { http_proxy: P, no_proxy: '*' }],
  ['http://repo.example.test/', { http_proxy: P, NO_PROXY: 'repo.example.test' }],
  ['http://repo.example.test/', { http_proxy: P, no_proxy: '', NO_PROXY: 'repo.example.test' }],
  ['http://127.0.0.1/', { http_proxy: P, no_proxy: '127.0.0.0/8' }],
  ['http://127.0.0.1/', { http_proxy: P, no_proxy: '0.0.1' }],
];

describe("curl's proxy choice, as real curl makes it", () => {
  it.each(CASES)('%s with %o', async (url, env) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === P ? proxy.url : v]));
    const ours = selectProxy(ENVIRONMENT_ONLY, proxyEnvironment(resolved), new URL(url)).kind === 'proxy';
    expect(ours).toBe(await curlUsesProxy(url, resolved));
  }, 30_000);

  it('the cases are not all one answer', async () => {
    const answers = CASES.map(([url, env]) => selectProxy(ENVIRONMENT_ONLY, Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === P ? 'http://127.0.0.1:9' : v])), new URL(url)).kind);
    expect(new Set(answers)).toEqual(new Set(['proxy', 'direct']));
  });
});
