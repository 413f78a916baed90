import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors.js';
import { parseModulesYaml } from '../../../src/formats/rpm/modules.js';

const STREAM = `---
document: modulemd
version: 2
data:
  name: postgresql
  stream: 1.10
  version: 9000020230101
  context: 1a2b3c4d
  arch: x86_64
  summary: PostgreSQL server and client module
  dependencies:
  - buildrequires: {platform: [el9]}
    requires: {platform: [el9]}
  artifacts:
    rpms:
    - postgresql-0:13.10-1.module+el9.x86_64
    - postgresql-0:13.10-1.module+el9.src
...
`;
const DEFAULTS = `---
document: modulemd-defaults
version: 1
data:
  module: postgresql
  stream: 13
  profiles: {13: [server]}
...
`;
const OTHER = `---
document: modulemd-obsoletes
version: 1
data: {module: postgresql, stream: "9.6", modified: 2022-01-01T00:00Z, message: gone}
...
`;

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseModulesYaml', () => {
  it('reads modulemd v2 streams and modulemd-defaults v1, skips other documents, and keeps scalars as written', async () => {
    const all = bytes(STREAM + OTHER + DEFAULTS);
    // Chunks that cut through lines and a multi-byte-free document boundary.
    const chunks = [all.subarray(0, 37), all.subarray(37, 401), all.subarray(401)];
    const m = await parseModulesYaml(chunks, { repo: 'appstream', file: 'repodata/x-modules.yaml.gz' });
    expect(m.streams).toEqual([
      {
        name: 'postgresql',
        stream: '1.10',
        version: 9000020230101,
        context: '1a2b3c4d',
        arch: 'x86_64',
        artifacts: ['postgresql-0:13.10-1.module+el9.x86_64', 'postgresql-0:13.10-1.module+el9.src'],
        requiresPlatform: [['el9']],
      },
    ]);
    expect(m.defaults).toEqual([{ module: 'postgresql', stream: '13' }]);
  });

  it('rejects broken YAML and a stream without a name with a FormatError naming the repo and file', async () => {
    for (const text of [STREAM.replace('  stream: 1.10', '  stream: [1.10'), STREAM.replace('  name: postgresql\n', '')]) {
      const err = await parseModulesYaml([bytes(text)], { repo: 'appstream', file: 'm.yaml' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).describe()).toMatch(/^repo appstream: m\.yaml: modules\.yaml: /);
    }
  });
});
