/** Running the CLI as a child process for the report tests, with its own HOME and XDG dirs. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cliArgs } from '../support/paths.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function repoclash(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgs, ...args], {
      cwd,
      env: { ...process.env, HOME: cwd, XDG_DATA_HOME: path.join(cwd, 'data'), XDG_CACHE_HOME: path.join(cwd, 'cache'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A two-repo rpm config (a distro and an upstream vendor in one profile), plus extra YAML. */
export function twoVendorConfig(baseUrl: string, extraRepos = '', extraTop = ''): string {
  return `repos:
  distro:
    vendor: Fedora Project
    role: distro
    format: rpm
    baseurl: ${baseUrl}/distro/
  vendor:
    vendor: Grafana Labs
    role: upstream
    format: rpm
    baseurl: ${baseUrl}/vendor/
${extraRepos}profiles:
  p:
    repos: [distro, vendor${extraRepos ? ', gone' : ''}]
    arch: x86_64
${extraTop}`;
}
