/**
 * Summarises `repoclash upstream --format json` for the npm smoke test: mapping counts, lag by gap
 * class, the ten furthest behind, and mapping accuracy over the first 200 node-* packages — a
 * mapping a person would agree with finds an npm package whose declared repository or homepage is
 * the project Debian's Homepage names. Every other case is listed by kind.
 */
import { readFileSync } from 'node:fs';
import type { UpstreamSummary } from '../src/report/upstream-render.js';
import { feedFromUrl, projectLocation } from '../src/upstream/mapping.js';

const summary = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as UpstreamSummary;
const node = summary.mappings.filter((m) => m.name.startsWith('node-'));
const unresolvedNode = summary.unresolved.filter((n) => n.startsWith('node-'));
const elsewhereNode = summary.mappedElsewhere.filter((m) => m.name.startsWith('node-'));
const b = summary.behind;
console.log(
  `trixie: ${summary.names} distro names; node-*: ${node.length + unresolvedNode.length + elsewhereNode.length}, mapped to npm ${node.length} (${unresolvedNode.length} with no npm package under any candidate name, ${elsewhereNode.length} whose npm candidates are other projects than the Homepage, mapped to its forge instead)`,
);
console.log(`all npm-mapped names: ${summary.mapped}; feeds ${summary.feeds.ok} ok, ${summary.feeds.failed} failed; compared ${summary.compared}`);
console.log(`behind upstream: ${b.total} (major ${b.major}, minor ${b.minor}, patch ${b.patch}, unknown ${b.unknown}); on an abandoned series: ${b.abandonedSeries}`);
console.log('ten furthest behind (days since the first newer release of the gap’s class, by the registry’s dates):');
for (const f of summary.furthestBehind) console.log(`  ${f.name} ${f.distro.upstreamVersion} → ${f.upstream.evr} (${f.upstream.repoId}, ${f.gap}, ${f.daysBehind} days)`);

// Mapping accuracy over the first 200 node-* packages, by name.
const first = [...node.map((m) => m.name), ...unresolvedNode, ...elsewhereNode.map((m) => m.name)].sort().slice(0, 200);
const elsewhereByName = new Map(elsewhereNode.map((m) => [m.name, m]));
const byName = new Map(node.map((m) => [m.name, m]));
const kinds = new Map<string, string[]>();
const note = (kind: string, name: string) => kinds.set(kind, [...(kinds.get(kind) ?? []), name]);
let agree = 0;
let transferred = 0;
for (const name of first) {
  const m = byName.get(name);
  const other = elsewhereByName.get(name);
  if (other) {
    note('npm candidates are other projects than the Homepage: mapped to the forge instead', `${name} → ${other.feed} (${other.homepage})`);
    continue;
  }
  if (!m) {
    note('no npm package under any candidate name', name);
    continue;
  }
  const home = m.homepage ? projectLocation(m.homepage) : null;
  const theirs = m.projectUrls.map(projectLocation).filter((l): l is string => l !== null);
  const npmName = m.feed.slice('npm:'.length);
  const plain = npmName === name.slice('node-'.length);
  const repoName = (loc: string) => loc.split('/').pop()!.replace(/^node-/, '');
  if (home !== null && theirs.includes(home)) {
    agree++;
    if (!plain) note(`agreed, under another npm name than node-* suggests (${m.rule})`, `${name} → ${npmName}`);
  } else if (home !== null && home.startsWith('github:') && theirs.some((t) => t.startsWith('github:') && repoName(t) === repoName(home))) {
    // GitHub keeps redirecting a transferred repository: the same project under its new owner.
    agree++;
    transferred++;
    note('agreed: the same GitHub repository under a new owner (transferred)', `${name} → ${npmName} (${m.homepage} vs ${m.projectUrls.join(' ')})`);
  } else if (m.homepage && feedFromUrl(m.homepage)?.feed.source === 'npm' && feedFromUrl(m.homepage)?.feed.project === npmName) {
    agree++;
    note('agreed: Debian’s Homepage is that npm package’s page', `${name} → ${npmName}`);
  } else if (home !== null && home.startsWith('github:') && theirs.some((t) => t.startsWith('github:') && t.split('/')[0] === home.split('/')[0])) {
    // ace → ace-builds: the owner publishes the built package from a sibling repository.
    agree++;
    note('agreed: the same GitHub owner, a sibling repository (build or monorepo)', `${name} → ${npmName} (${m.homepage} vs ${m.projectUrls.join(' ')})`);
  } else if (home !== null && !home.includes(':') && theirs.length > 0) {
    note('not comparable: Debian’s Homepage is a website, npm names a repository', `${name} → ${npmName} (${m.homepage} vs ${m.projectUrls.join(' ')})`);
  } else if (home === null) note('Debian gives no Homepage to compare', `${name} → ${npmName}`);
  else if (theirs.length === 0) note('npm names no repository or homepage to compare', `${name} → ${npmName}`);
  else note('different project under the same name', `${name} → ${npmName} (${m.homepage} vs ${m.projectUrls.join(' ')})`);
}
const pct = (n: number) => `${((100 * n) / first.length).toFixed(1)}%`;
console.log(`\nmapping accuracy, first ${first.length} node-* packages: ${agree} agree by name and homepage (${pct(agree)}; ${agree - transferred} with the very same URL, ${pct(agree - transferred)})`);
for (const [kind, names] of [...kinds].sort((x, y) => y[1].length - x[1].length)) {
  console.log(`  ${kind}: ${names.length}`);
  for (const n of names.slice(0, 12)) console.log(`    ${n}`);
  if (names.length > 12) console.log(`    … and ${names.length - 12} more`);
}
