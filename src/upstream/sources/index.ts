/** The release sources by kind. */
import type { SourceKind } from '../types.js';
import { anityaSource } from './anitya.js';
import { cpanSource } from './cpan.js';
import { cratesSource } from './crates.js';
import { githubSource } from './github.js';
import { gitlabSource } from './gitlab.js';
import { npmSource } from './npm.js';
import { pypiSource } from './pypi.js';
import type { ReleaseSource } from './source.js';

export const RELEASE_SOURCES: Readonly<Record<SourceKind, ReleaseSource>> = {
  npm: npmSource,
  github: githubSource,
  gitlab: gitlabSource,
  pypi: pypiSource,
  crates: cratesSource,
  cpan: cpanSource,
  anitya: anityaSource,
};

export type { ReleaseSource, SourceContext } from './source.js';
