/**
 * A private APT_CONFIG for `apt-get update` as a benchmark peer: the given sources and the host's
 * keys, but lists, cache and status in `dir` (the host's apt state is untouched) and none of the
 * host's apt.conf.d (which may add Translation or Contents downloads repoclash does not make).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface PrivateAptOptions {
  /** sources.list to read (default: the host's) and its .d directory (default: the host's). */
  sourceList?: string;
  sourceParts?: string;
  /** More apt.conf lines. */
  extra?: string[];
}

export async function privateAptConfig(dir: string, options: PrivateAptOptions = {}): Promise<string> {
  await mkdir(path.join(dir, 'state/lists/partial'), { recursive: true });
  await mkdir(path.join(dir, 'cache/archives/partial'), { recursive: true });
  await mkdir(path.join(dir, 'parts'), { recursive: true });
  await writeFile(path.join(dir, 'status'), '');
  const conf = path.join(dir, 'apt.conf');
  await writeFile(
    conf,
    [
      `Dir::State "${dir}/state";`,
      `Dir::State::status "${dir}/status";`,
      `Dir::Cache "${dir}/cache";`,
      `Dir::Etc::SourceList "${options.sourceList ?? '/etc/apt/sources.list'}";`,
      `Dir::Etc::SourceParts "${options.sourceParts ?? '/etc/apt/sources.list.d'}";`,
      `Dir::Etc::Parts "${dir}/parts";`,
      `Dir::Etc::Trusted "/etc/apt/trusted.gpg";`,
      `Dir::Etc::TrustedParts "/etc/apt/trusted.gpg.d";`,
      // repoclash reads neither translations nor the other arches' indexes.
      `APT::Architectures { "${os.arch() === 'arm64' ? 'arm64' : 'amd64'}"; };`,
      `Acquire::Languages "none";`,
      `APT::Sandbox::User "root";`,
      `Debug::NoLocking "true";`,
      ...(options.extra ?? []),
    ].join('\n') + '\n',
  );
  return conf;
}
