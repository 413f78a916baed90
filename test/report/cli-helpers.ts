/** Running the CLI as a child process for the report tests, with its own HOME and XDG dirs. */
import { repoclash as run, type Run } from '../support/cli.js';

export type { Run };

export function repoclash(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run(cwd, args, { env });
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
