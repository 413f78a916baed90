/**
 * A real HTTP proxy on 127.0.0.1 for the proxy tests: Debian's tinyproxy, in the foreground with a
 * private config and log under the test's directory, on a free port, stopped by `close()`. Its log
 * is what the tests read to tell which requests went through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface TinyproxyOptions {
  /** `BasicAuth USER PASSWORD`: a 407 for requests without them. */
  basicAuth?: { user: string; password: string };
  /** Ports CONNECT may reach; default 443 only (Debian's own tinyproxy.conf): no tunnel to a test port. */
  connectPorts?: number[];
}

export interface TestProxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  url: string;
  port: number;
  /** The request lines it logged (`GET http://…`, `CONNECT host:port`), in order. */
  requests(): Promise<string[]>;
  close(): Promise<void>;
}

/** A port nothing listens on right now (for tinyproxy's config, or for "the proxy is down"). */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startTinyproxy(dir: string, options: TinyproxyOptions = {}): Promise<TestProxy> {
  await mkdir(dir, { recursive: true });
  const port = await freeLoopbackPort();
  const logFile = path.join(dir, 'tinyproxy.log');
  const config = path.join(dir, 'tinyproxy.conf');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${logFile}"`,
      'LogLevel Info',
      'MaxClients 32',
      'Allow 127.0.0.1',
      ...(options.connectPorts ?? [443]).map((p) => `ConnectPort ${p}`),
      ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child, () => stderr);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async requests() {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      return [...log.matchAll(/Request \(file descriptor \d+\): (.*)$/gm)].map((m) => m[1]!.trim());
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`tinyproxy did not listen on 127.0.0.1:${port}: ${stderr()}`);
}
