/**
 * `repoclash check` output: text for the packager, JSON (the CheckResult itself, schemaVersion 1,
 * plus partialData), and JUnit XML for CI — one <testsuite name="repoclash check"> with one
 * <testcase> per check performed; a finding at or above --fail-on is a <failure>, a finding below
 * it goes to the test case's <system-out>, a check that could not run is <skipped>.
 */
import type { CheckFinding, CheckPerformed, CheckResult } from '../check/types.js';
import { safeJson, safeText } from '../sanitize.js';
import { atOrAbove } from '../analysis/findings.js';
import type { Severity } from '../analysis/types.js';
import type { RepoHealth } from '../store/index.js';
import { healthLines } from './audit-render.js';

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** When a vendor first had the name, by the clock the first-comer verdict used. */
function since(t: { earliestBuildTime: number | null; earliestFirstSeen: number }): string {
  return t.earliestBuildTime !== null ? `built ${day(t.earliestBuildTime * 1000)}` : `first seen ${day(t.earliestFirstSeen)}`;
}

/** The facts behind one finding, as short lines (text output and JUnit failure bodies). */
export function checkFindingDetails(f: CheckFinding): string[] {
  switch (f.kind) {
    case 'name-taken': {
      const lines = f.takenBy.map((t) => {
        const moved = t.moved ? (t.moved.onUpgrade ? '; its users would be moved on upgrade' : t.moved.onSync ? '; its users would be moved on distro-sync / full-upgrade' : '; its users stay') : '';
        const software = `${t.software.verdict === 'different' ? 'a DIFFERENT program' : t.software.verdict === 'same' ? 'same software' : 'software undetermined'}`;
        const evidence = t.software.evidence.filter((e) => e.verdict !== 'unknown').map((e) => e.detail);
        return `taken by ${t.vendor}: ${t.repos.join(', ')} ${t.newest.evr} (${since(t)}${t.urls.length ? `, ${t.urls.join(' ')}` : ''}) — ${software}${evidence.length ? ` (${evidence.join('; ')})` : ''}${moved}`;
      });
      lines.push(
        f.firstComer
          ? `first-comer: ${f.firstComer}${f.firstComerRepos.length ? ` (${f.firstComerRepos.join(', ')})` : ''}, by ${f.firstComerEvidence === 'buildTime' ? 'build time' : 'first seen'}`
          : 'first-comer: unknown (a tie)',
      );
      if (f.via === 'name') {
        lines.push(
          `winner now: ${f.winnerBefore ? `${f.winnerBefore.vendor} ${f.winnerBefore.evr} (${f.winnerBefore.repoId})` : 'none'}; ` +
            `with the submission: ${f.winnerAfter ? (f.submissionWins ? `the submission ${f.winnerAfter.evr}` : `${f.winnerAfter.vendor} ${f.winnerAfter.evr} (${f.winnerAfter.repoId})`) : 'none'}`,
        );
      }
      if (f.movesUsersOf.length) lines.push(`would move users of: ${f.movesUsersOf.join(', ')} to ${f.distroVendor}`);
      return lines;
    }
    case 'plain-collision':
      return f.shippedBy.map((s) => `${s.repoId}: ${f.name} ${s.evr} from source ${s.sourceName ?? '(unknown)'}`);
    case 'lag':
      return [
        `submitted ${f.submitted.upstreamVersion} vs upstream ${f.upstream.upstreamVersion} (${f.upstream.name} ${f.upstream.evr} in ${f.upstream.repoId}): ` +
          `${f.gap} gap, ${f.newerReleases} newer release${f.newerReleases === 1 ? '' : 's'}, behind since ${day(f.behindSince)} (${f.daysBehind} days)` +
          (f.abandonedSeries ? '; the upstream no longer ships this major version' : ''),
      ];
    case 'upgrade-path':
      return [`${f.path}: ${f.submitted.profile} ${f.submitted.evr} vs ${f.other.profile} ${f.other.evr} (${f.other.repoId})${f.gap && f.gap !== 'none' ? ` — ${f.gap} gap` : f.gap === 'none' ? ' — same upstream version, packaging differs' : ''}`];
  }
}

function submissionLine(r: CheckResult): string {
  const what = r.submission.kind === 'name' ? 'name' : `${r.submission.kind} ${r.submission.path ?? ''}`;
  const names = r.submission.names.map((n) => n.name).join(', ');
  return `repoclash check: ${names}${r.submission.version ? ` ${r.submission.version}` : ''} (${what}) for ${r.target} (${r.distroVendor})`;
}

export function renderCheckText(r: CheckResult, health: readonly RepoHealth[], options: { failOn: Severity }): string {
  const lines: string[] = [submissionLine(r)];
  const skipped = r.checks.filter((c) => c.skipped !== null);
  const s = r.counts.bySeverity;
  lines.push(
    `${r.checks.length - skipped.length} checks run, ${skipped.length} not checked; ${r.counts.total} finding${r.counts.total === 1 ? '' : 's'} ` +
      `(${s.error} error, ${s.warning} warning, ${s.info} info)`,
  );
  for (const line of healthLines(health)) lines.push(`partial data: repo ${line}`);
  for (const f of r.findings) {
    lines.push('');
    lines.push(`${f.severity.toUpperCase()} ${f.kind}${atOrAbove(f.severity, options.failOn) ? '' : ' (below --fail-on)'}: ${f.title}`);
    for (const d of checkFindingDetails(f)) lines.push(`  ${d}`);
  }
  if (skipped.length) {
    lines.push('');
    for (const c of skipped) lines.push(`not checked (${c.skipped}): ${c.kind} ${c.subject}`);
  }
  const passed = r.checks.filter((c) => c.skipped === null && c.findings.length === 0);
  if (passed.length) {
    lines.push('');
    lines.push(`passed: ${passed.map((c) => `${c.kind} ${c.subject}`).join('; ')}`);
  }
  return safeText(lines.join('\n') + '\n');
}

export function renderCheckJson(r: CheckResult, health: readonly RepoHealth[]): string {
  return safeJson({ ...r, partialData: health.filter((h) => h.missing || h.lastFailure) });
}

/**
 * Text as XML character data or attribute value: the five special characters escaped, and the
 * characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) replaced,
 * since package metadata can carry anything.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

export function renderCheckJunit(r: CheckResult, health: readonly RepoHealth[], options: { failOn: Severity }): string {
  const byKey = new Map(r.findings.map((f) => [f.key, f]));
  const failing = (c: CheckPerformed): CheckFinding[] => c.findings.map((k) => byKey.get(k)!).filter((f) => atOrAbove(f.severity, options.failOn));
  const failures = r.checks.filter((c) => failing(c).length > 0).length;
  const skipped = r.checks.filter((c) => c.skipped !== null).length;
  const counts = { tests: r.checks.length, failures, errors: 0, skipped };
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({ name: 'repoclash', ...counts })}>`);
  out.push(`  <testsuite${attrs({ name: 'repoclash check', ...counts, timestamp: r.generatedAt.replace(/\.\d+Z$/, ''), hostname: 'repoclash' })}>`);
  out.push('    <properties>');
  const props: Array<[string, string]> = [
    ['schemaVersion', String(r.schemaVersion)],
    ['target', r.target],
    ['distroVendor', r.distroVendor],
    ['source', r.submission.sourceName],
    ['version', r.submission.version ?? ''],
    ['failOn', options.failOn],
    ...health.filter((h) => h.missing || h.lastFailure).map((h): [string, string] => ['partialData', h.repoId]),
  ];
  for (const [name, value] of props) out.push(`      <property${attrs({ name, value })}/>`);
  out.push('    </properties>');
  for (const c of r.checks) {
    out.push(`    <testcase${attrs({ classname: `repoclash.check.${c.kind}`, name: c.subject, time: 0 })}>`);
    if (c.skipped !== null) out.push(`      <skipped${attrs({ message: c.skipped })}/>`);
    for (const f of failing(c)) {
      out.push(`      <failure${attrs({ type: `${f.kind}/${f.severity}`, message: f.title })}>${xmlEscape(checkFindingDetails(f).join('\n'))}</failure>`);
    }
    const below = c.findings.map((k) => byKey.get(k)!).filter((f) => !atOrAbove(f.severity, options.failOn));
    if (below.length) out.push(`      <system-out>${xmlEscape(below.map((f) => [`${f.severity}: ${f.title}`, ...checkFindingDetails(f)].join('\n')).join('\n\n'))}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  // C0 is already U+FFFD (XML forbids it); C1, bidi controls and credentials are left.
  return safeText(out.join('\n') + '\n');
}
