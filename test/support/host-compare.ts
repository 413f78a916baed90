/**
 * Compare `repoclash host --format json` with what real dnf / apt do, package by package, in one
 * spelling both sides produce: `upgrade 2.0-1 @repo vendor-change`, `downgrade 1.0-1`.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatEvr, parseEvr } from '../../src/formats/rpm/version.js';
import type { HostReport } from '../../src/host/types.js';
import type { AptPlanItem } from './apt.js';
import { repoclash, type Run, type RunOptions } from './cli.js';
import type { DnfPlan, DnfPlanItem } from './dnf.js';
import { HOST_REPOS_ONLY_CONFIG } from './repos-yaml.js';

/**
 * `repoclash host ARGS` (ARGS with `--format json`): the run and its report. An exit code outside
 * `accepted` throws with the output, since no report can be read from it.
 */
export async function hostReport(cwd: string, args: readonly string[], options: RunOptions = {}, accepted: readonly number[] = [0, 1]): Promise<{ run: Run; report: HostReport }> {
  const run = await repoclash(cwd, ['host', ...args], options);
  if (run.code === null || !accepted.includes(run.code)) throw new Error(`repoclash host exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return { run, report: JSON.parse(run.stdout) as HostReport };
}

/**
 * `repoclash host --root ROOT --format json` for a root whose own repos are the subject: a
 * repos.yaml that only has to parse, the store and cache under `work` (named by `label`), and the
 * HOME real dnf and rpm use (Debian's rpm keeps an installroot's rpmdb under ROOT/$HOME).
 */
export async function hostReportOfRoot(work: string, root: string, label = 'store'): Promise<{ run: Run; report: HostReport }> {
  const config = path.join(work, 'host-repos-only.yaml');
  await writeFile(config, HOST_REPOS_ONLY_CONFIG);
  return hostReport(work, ['--root', root, '--format', 'json', '--config', config, '--db', path.join(work, `${label}.db`), '--cache', path.join(work, 'cache')], {
    env: { HOME: process.env['HOME'] ?? os.homedir() },
  });
}

const canonEvr = (evr: string): string => formatEvr(parseEvr(evr));

/** What dnf would do per installed name. */
export function dnfActions(items: readonly DnfPlanItem[]): Map<string, string> {
  return new Map(items.map((i) => [i.name, `${i.action} ${canonEvr(i.toEvr)} @${i.repo}${i.action === 'upgrade' && i.fromVendor !== i.vendor ? ' vendor-change' : ''}`]));
}

/** repoclash's prediction per name, in dnfActions' spelling (`sync`: the distro-sync column). */
export function repoclashDnfActions(report: HostReport, sync: boolean, repoLabel: (repo: string) => string = (r) => r): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of report.packages) {
    const action = sync ? p.syncAction : p.action;
    const to = sync ? p.syncTo : p.to;
    if (action === 'upgrade' || action === 'vendor-change' || action === 'downgrade') {
      out.set(p.name, `${action === 'downgrade' ? 'downgrade' : 'upgrade'} ${canonEvr(to!.evr)} @${repoLabel(to!.repo)}${action === 'vendor-change' ? ' vendor-change' : ''}`);
    }
  }
  return out;
}

/** What apt would do per installed name (upgrades and downgrades only). */
export function aptActions(items: readonly AptPlanItem[]): Map<string, string> {
  return new Map(items.filter((i) => i.action === 'upgrade' || i.action === 'downgrade').map((i) => [i.name, `${i.action} ${i.toVersion}`]));
}

/** repoclash's prediction per name, in aptActions' spelling. */
export function repoclashAptActions(report: HostReport, sync: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of report.packages) {
    const action = sync ? p.syncAction : p.action;
    const to = sync ? p.syncTo : p.to;
    if (action === 'upgrade' || action === 'vendor-change' || action === 'downgrade') out.set(p.name, `${action === 'downgrade' ? 'downgrade' : 'upgrade'} ${to!.evr}`);
  }
  return out;
}

/** One line per name on which the package manager and repoclash differ. */
export function disagreements(expected: Map<string, string>, got: Map<string, string>, names: readonly string[]): string[] {
  return names.filter((n) => expected.get(n) !== got.get(n)).map((n) => `${n}: package manager ${expected.get(n) ?? 'nothing'}, repoclash ${got.get(n) ?? 'nothing'}`);
}

/** How a plan line is keyed: by name (the default), or by `name.arch` where one name has several arches installed (multilib). */
export type PlanKey = (name: string, arch: string) => string;
const byName: PlanKey = (name) => name;
export const byNameArch: PlanKey = (name, arch) => `${name}.${arch}`;

/**
 * What dnf does per installed name, with dnf's rules beyond versions spelled out: a package
 * obsoleted by another (`obsoleted-by containerd.io 1.6.28-3.1 @docker vendor-change`) and an
 * install-only package getting a new version beside it (`install-beside 6.3-1 @fedora`).
 */
export function dnfPlanLines(plan: DnfPlan, key: PlanKey = byName): Map<string, string> {
  const out = new Map<string, string>();
  const replacers = new Set(plan.obsoleted.flatMap((o) => o.replacedBy));
  for (const i of plan.items) {
    if (i.action === 'install' && replacers.has(i.name)) continue;
    const verb = i.action === 'install' ? 'install-beside' : i.action;
    out.set(key(i.name, i.arch), `${verb} ${canonEvr(i.toEvr)} @${i.repo}${i.fromVendor !== undefined && i.fromVendor !== i.vendor ? ' vendor-change' : ''}`);
  }
  for (const o of plan.obsoleted) {
    const by = plan.items.find((i) => o.replacedBy.includes(i.name))!;
    out.set(key(o.name, o.arch), `obsoleted-by ${by.name} ${canonEvr(by.toEvr)} @${by.repo}${by.vendor !== o.vendor ? ' vendor-change' : ''}`);
  }
  return out;
}

/** repoclash's prediction per name in dnfPlanLines' spelling (`sync`: the distro-sync column). */
export function repoclashPlanLines(report: HostReport, sync: boolean, key: PlanKey = byName): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of report.packages) {
    const action = sync ? p.syncAction : p.action;
    const to = sync ? p.syncTo : p.to;
    if (to === null || (action !== 'upgrade' && action !== 'vendor-change' && action !== 'downgrade')) continue;
    // A downgrade to another vendor is reported as a downgrade (the graver verdict); dnf's line
    // says both, so the target's vendor is compared too.
    const vc = action === 'vendor-change' || (action === 'downgrade' && to.vendor !== p.from.vendor) ? ' vendor-change' : '';
    if (to.name !== undefined) out.set(key(p.name, p.arch), `obsoleted-by ${to.name} ${canonEvr(to.evr)} @${to.repo}${vc}`);
    else {
      // The installed version itself from another repo (distro-sync's vendor change): dnf reinstalls it.
      const verb = canonEvr(to.evr) === canonEvr(p.installed) ? 'reinstall' : p.installOnly ? 'install-beside' : action === 'downgrade' ? 'downgrade' : 'upgrade';
      // dnf's plan lists an install beside as a plain install, with no package it replaces and
      // so no vendor to compare: neither line says vendor-change there.
      out.set(key(p.name, p.arch), `${verb} ${canonEvr(to.evr)} @${to.repo}${verb === 'install-beside' ? '' : vc}`);
    }
  }
  return out;
}

/** Every name either side mentions on which they differ, one line each. */
export function planDisagreements(dnf: Map<string, string>, ours: Map<string, string>): string[] {
  return disagreements(dnf, ours, [...new Set([...dnf.keys(), ...ours.keys()])].sort());
}
