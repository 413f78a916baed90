import { describe, expect, it } from 'vitest';
import { UNKNOWN_VENDOR, vendorKey, vendorNormaliser } from '../../src/analysis/vendors.js';

describe('vendorNormaliser', () => {
  const v = vendorNormaliser([
    ['Fedora Project', 'Fedora'],
    ['CentOS', 'Red Hat'],
    ['red  hat', 'Red Hat, Inc.'],
  ]);

  it('maps every spelling of a group to its first spelling, ignoring case and whitespace', () => {
    expect(v.canonical('fedora')).toBe('Fedora Project');
    expect(v.canonical('  FEDORA   project ')).toBe('Fedora Project');
    expect(v.same('Fedora', 'Fedora Project')).toBe(true);
  });

  it('merges groups that share a member', () => {
    expect(v.canonical('Red Hat, Inc.')).toBe('CentOS');
    expect(v.same('centos', 'RED HAT, INC.')).toBe(true);
  });

  it('keeps ungrouped vendors apart, but one organisation whatever the case', () => {
    expect(v.same('Grafana Labs', 'Fedora')).toBe(false);
    expect(v.canonical('grafana  labs')).toBe(v.canonical('Grafana Labs'));
    expect(vendorKey(' Grafana\tLabs ')).toBe('grafana labs');
  });

  it('names missing vendors', () => {
    expect(v.canonical(null)).toBe(UNKNOWN_VENDOR);
    expect(v.canonical('  ')).toBe(UNKNOWN_VENDOR);
  });
});
