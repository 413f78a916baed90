/** `repoclash audit` output: text (grouped by kind, counts on top) and markdown. JSON is the result itself. */
import type { AuditResult } from '../analysis/audit.js';
import { atOrAbove, FINDING_KINDS, SEVERITIES, type Finding } from '../analysis/findings.js';
import type { Severity } from '../analysis/types.js';
import type { RepoHealth } from '../store/index.js';
import { markdownCode, markdownInline, safeText } from '../sanitize.js';
import { findingDetails, KIND_HEADINGS } from './finding-lines.js';

const plural = (n: number, word: string): string => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/**
 * The headline counts what needs a person: findings at or above --fail-on (the ones that set the
 * exit code). What is below is a count with a pointer: a release upgrade drops thousands of names.
 * "19 findings at or above warning (0 error, 19 warning), and 8,781 info findings: --all lists them"
 */
export function countsLine(result: AuditResult, options: RenderOptions = {}): string {
  const failOn = options.failOn ?? 'warning';
  const s = result.counts.bySeverity;
  const counted = SEVERITIES.filter((v) => atOrAbove(v, failOn)).reverse();
  const below = SEVERITIES.filter((v) => !atOrAbove(v, failOn) && s[v] > 0).reverse();
  const total = counted.reduce((n, v) => n + s[v], 0);
  const head = `${plural(total, 'finding')} at or above ${failOn} (${counted.map((v) => `${s[v].toLocaleString('en')} ${v}`).join(', ')})`;
  if (below.length === 0) return head;
  const belowTotal = below.reduce((n, v) => n + s[v], 0);
  const pointer = below.includes('info') && !options.all ? `: --all lists ${below.length === 1 ? 'them' : 'the info ones'}` : '';
  return `${head}, and ${belowTotal.toLocaleString('en')} ${below.join(' and ')} finding${belowTotal === 1 ? '' : 's'}${pointer}`;
}

/** A stored failure message without its leading `repo ID: ` (the line already names the repo). */
function withoutRepo(repoId: string, message: string): string {
  return message.startsWith(`repo ${repoId}: `) ? message.slice(`repo ${repoId}: `.length) : message;
}

/**
 * One line per repo whose data is missing or stale, saying which: never crawled, crawled but never
 * successfully (and how the last try failed), or stale since a failed check.
 */
export function healthLines(health: readonly RepoHealth[]): string[] {
  const minute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
  return health
    .filter((h) => h.missing || h.lastFailure)
    .map((h) =>
      h.missing
        ? h.lastFailure
          ? `${h.repoId}: no data (never fetched; the last try, ${minute(h.lastFailure.at)}, failed: ${withoutRepo(h.repoId, h.lastFailure.message)})`
          : `${h.repoId}: no data (never crawled)`
        : `${h.repoId}: last check failed ${minute(h.lastFailure!.at)}, using data from ${minute(h.lastSuccess!)}: ${withoutRepo(h.repoId, h.lastFailure!.message)}`,
    );
}

function byKind(result: AuditResult): Array<[Finding['kind'], Finding[]]> {
  return FINDING_KINDS.filter((k) => result.kinds.includes(k)).map((k) => [k, result.findings.filter((f) => f.kind === k)]);
}

export interface RenderOptions {
  /** List info findings too (they are only counted otherwise: a release upgrade drops thousands). */
  all?: boolean;
  /** The headline counts findings at or above this (default warning), as the exit code does. */
  failOn?: Severity;
}

function shown(list: readonly Finding[], options: RenderOptions): { listed: Finding[]; hidden: number } {
  const listed = options.all ? [...list] : list.filter((f) => f.severity !== 'info');
  return { listed, hidden: list.length - listed.length };
}

export function renderAuditText(result: AuditResult, health: readonly RepoHealth[], options: RenderOptions = {}): string {
  const out: string[] = [];
  out.push(`repoclash audit — ${result.generatedAt.slice(0, 16).replace('T', ' ')} UTC — profiles: ${result.profiles.join(', ') || 'none'}`);
  out.push(countsLine(result, options));
  out.push('  ' + byKind(result).map(([k, list]) => `${k} ${list.length}`).join(' · '));
  for (const [kind, list] of byKind(result)) {
    if (list.length === 0) continue;
    const { listed, hidden } = shown(list, options);
    out.push('', `${KIND_HEADINGS[kind]} (${list.length})`);
    for (const f of listed) {
      out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${f.name}${f.scope ? `  [${f.scope}]` : ''}  ${f.title}`);
      for (const line of findingDetails(f)) out.push(`          ${line}`);
    }
    if (hidden) out.push(`  … and ${plural(hidden, 'info finding')}: --all lists them`);
  }
  const problems = healthLines(health);
  if (problems.length) out.push('', `Partial data (${problems.length} repos):`, ...problems.map((p) => `  ${p}`));
  return safeText(out.join('\n') + '\n');
}

const md = markdownInline;

export function renderAuditMarkdown(result: AuditResult, health: readonly RepoHealth[], options: RenderOptions = {}): string {
  const out: string[] = [];
  out.push(`# repoclash audit`, '', `${result.generatedAt.slice(0, 16).replace('T', ' ')} UTC · profiles: ${result.profiles.map(md).join(', ') || 'none'}`, '');
  out.push(`**${countsLine(result, options)}**`, '', '| kind | findings |', '|---|---|');
  for (const [kind, list] of byKind(result)) out.push(`| ${KIND_HEADINGS[kind]} | ${list.length} |`);
  for (const [kind, list] of byKind(result)) {
    if (list.length === 0) continue;
    const { listed, hidden } = shown(list, options);
    out.push('', `## ${KIND_HEADINGS[kind]} (${list.length})`, '');
    for (const f of listed) {
      out.push(`- **${f.severity}** ${markdownCode(f.name)}${f.scope ? ` (${md(f.scope)})` : ''}: ${md(f.title)}`);
      for (const line of findingDetails(f)) out.push(`  - ${md(line)}`);
    }
    if (hidden) out.push(`- … and ${plural(hidden, 'info finding')}: \`--all\` lists them`);
  }
  const problems = healthLines(health);
  if (problems.length) out.push('', `## Partial data`, '', ...problems.map((p) => `- ${md(p)}`));
  return safeText(out.join('\n') + '\n');
}
