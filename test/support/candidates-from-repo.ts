/**
 * Resolver candidates read back from a repository built by the real tools (rpm-repo.ts, deb-repo.ts),
 * with the project's own parsers — so a comparison with real dnf / apt starts from the same packages.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { DebRepoConfig, RepoRole, RpmRepoConfig } from '../../src/config/types.js';
import { debRecord, rpmRecord } from '../../src/crawl/records.js';
import { parsePackages } from '../../src/formats/deb/packages.js';
import { parsePrimary } from '../../src/formats/rpm/primary.js';
import type { Candidate } from '../../src/analysis/types.js';
import { publisherOf } from '../../src/analysis/vendors.js';
import type { VersionRecord } from '../../src/store/types.js';
import type { PackageFormat } from '../../src/formats/types.js';

function asCandidate(record: VersionRecord, repoId: string, repoVendor: string, format: PackageFormat, role: RepoRole): Candidate {
  return { ...record, repoId, firstSeen: 0, repoVendor, publisher: publisherOf(format, record.vendor, repoVendor), role, format };
}

/** Candidates of one built rpm repo, read back from its primary.xml with the project's own parser. */
export async function candidatesFromPrimary(primaryPath: string, repo: RpmRepoConfig): Promise<Candidate[]> {
  const raw = await readFile(primaryPath);
  const xml = primaryPath.endsWith('.gz') ? gunzipSync(raw) : raw;
  const out: Candidate[] = [];
  for await (const pkg of parsePrimary([xml], { file: primaryPath })) out.push(asCandidate(rpmRecord(pkg), repo.id, repo.vendor, 'rpm', repo.role));
  return out;
}

/** Candidates of one built Packages file (uncompressed), read with the project's own parser. */
export async function candidatesFromPackages(packagesPath: string, repo: DebRepoConfig): Promise<Candidate[]> {
  const raw = await readFile(packagesPath);
  const out: Candidate[] = [];
  for await (const pkg of parsePackages((async function* () { yield raw; })(), { file: packagesPath })) {
    out.push(asCandidate(debRecord(pkg), repo.id, repo.vendor, 'deb', repo.role));
  }
  return out;
}
