import { describe, expect, it } from 'vitest';
import { findRegressions, type ProfileVersions } from '../../src/analysis/regression.js';
import { upgradePath } from '../support/config-builders.js';
import { candidate, debVersion, rpmVersion } from '../support/record-builders.js';

const F = 'Fedora Project';

const f29: ProfileVersions = {
  format: 'rpm',
  candidates: [
    candidate(rpmVersion('fedora-29', 'grafana', '5.4.0-1.fc29'), F, 'distro'),
    candidate(rpmVersion('updates-f29', 'grafana', '6.1.6-1.fc29'), F, 'distro'),
    candidate(rpmVersion('fedora-29', 'prometheus', '1.8.0-4.fc29'), F, 'distro'),
    candidate(rpmVersion('fedora-29', 'bash', '4.4.23-6.fc29'), F, 'distro'),
    candidate(rpmVersion('fedora-29', 'golang', '1:2.0-1.fc29'), F, 'distro'),
    candidate(rpmVersion('copr', 'tool', '3.0-1'), 'Copr', 'third-party'),
  ],
};
const f30: ProfileVersions = {
  format: 'rpm',
  candidates: [
    candidate(rpmVersion('fedora-30', 'grafana', '6.1.4-2.fc30'), F, 'distro'),
    candidate(rpmVersion('fedora-30', 'bash', '5.0.2-1.fc30'), F, 'distro'),
    candidate(rpmVersion('fedora-30', 'golang', '1:1.12-1.fc30'), F, 'distro'),
    candidate(rpmVersion('fedora-30', 'tool', '2.0-1.fc30'), F, 'distro'),
  ],
};

describe('findRegressions — seed (c): Fedora 30 ships a lower grafana than Fedora 29 updates', () => {
  const found = findRegressions(upgradePath('fedora', ['f29', 'f30']), new Map([['f29', f29], ['f30', f30]]));
  const byName = new Map(found.map((f) => [f.name, f]));

  it('compares the best over all of N’s repos (updates included) with the best of N+1', () => {
    const grafana = byName.get('grafana')!;
    expect(grafana).toMatchObject({
      kind: 'regression',
      change: 'lower',
      severity: 'warning',
      gap: 'patch',
      key: 'regression|fedora|f29>f30|grafana',
      scope: 'fedora',
      from: { profile: 'f29', repoId: 'updates-f29', evr: '6.1.6-1.fc29' },
      to: { profile: 'f30', repoId: 'fedora-30', evr: '6.1.4-2.fc30' },
    });
  });

  it('reports a name N+1 drops as info', () => {
    expect(byName.get('prometheus')).toMatchObject({ change: 'dropped', severity: 'info', to: null, gap: null });
  });

  it('orders by the format: a higher epoch in N wins even with a lower upstream version', () => {
    // 1:2.0 > 1:1.12 — the distro's own version goes back a major release: error.
    expect(byName.get('golang')).toMatchObject({ change: 'lower', gap: 'major', severity: 'error' });
  });

  it('a major drop from a third-party version is only a warning; an upgrade is nothing', () => {
    expect(byName.get('tool')).toMatchObject({ gap: 'major', severity: 'warning' });
    expect(byName.has('bash')).toBe(false);
    expect(found).toHaveLength(4);
  });

  it('skips a step whose newer profile has no versions at all (not crawled)', () => {
    expect(findRegressions(upgradePath('fedora', ['f29', 'f30']), new Map([['f29', f29], ['f30', { format: 'rpm', candidates: [] }]]))).toEqual([]);
  });

  it('walks every step of a longer path', () => {
    const f31: ProfileVersions = { format: 'rpm', candidates: [candidate(rpmVersion('fedora-31', 'bash', '5.0.1-1.fc31'), F, 'distro')] };
    const steps = findRegressions(upgradePath('fedora', ['f29', 'f30', 'f31']), new Map([['f29', f29], ['f30', f30], ['f31', f31]]));
    expect(steps.filter((f) => f.key.includes('f30>f31')).map((f) => [f.name, f.change])).toEqual([
      ['grafana', 'dropped'],
      ['bash', 'lower'],
      ['golang', 'dropped'],
      ['tool', 'dropped'],
    ]);
  });
});

describe('findRegressions — deb', () => {
  it('bookworm-security 2.36.1-8+deb12u1 is above trixie 2.36.1-8 (dpkg order): stranded, no upstream gap', () => {
    const bookworm: ProfileVersions = {
      format: 'deb',
      candidates: [
        candidate(debVersion('bookworm', 'libc6', '2.36-9'), 'Debian', 'distro', 'deb'),
        candidate(debVersion('bookworm-security', 'libc6', '2.36.1-8+deb12u1'), 'Debian', 'distro', 'deb'),
      ],
    };
    const trixie: ProfileVersions = { format: 'deb', candidates: [candidate(debVersion('trixie', 'libc6', '2.36.1-8'), 'Debian', 'distro', 'deb')] };
    const [f] = findRegressions(upgradePath('debian', ['bookworm', 'trixie'], { definedAt: { file: 't' } }), new Map([['bookworm', bookworm], ['trixie', trixie]]));
    expect(f).toMatchObject({ change: 'lower', gap: 'none', severity: 'warning', from: { repoId: 'bookworm-security', evr: '2.36.1-8+deb12u1' } });
  });
});
