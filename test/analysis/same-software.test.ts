import { describe, expect, it } from 'vitest';
import { judgeSameSoftware, normaliseUrl, projectNames, summarySimilarity } from '../../src/analysis/same-software.js';

describe('same software', () => {
  it.each([
    ['https://grafana.com', 'https://grafana.com'],
    ['http://www.Grafana.com/', 'https://grafana.com'],
    ['github.com/grafana/grafana', 'https://github.com/grafana/grafana'],
    ['https://github.com/Grafana/Grafana.git/tree/main?x=1#readme', 'https://github.com/grafana/grafana'],
    ['https://www.gnu.org/software/bash/', 'https://gnu.org/software/bash'],
    ['ftp://example.org/', null],
    ['', null],
  ])('normaliseUrl(%s) = %s', (raw, want) => expect(normaliseUrl(raw)).toBe(want));

  it('derives project names from domains, forges, path hosts and hosting subdomains', () => {
    expect([...projectNames('https://grafana.org', 'grafana')]).toEqual(['grafana']);
    expect([...projectNames('https://github.com/prometheus/prometheus', 'prometheus')]).toEqual(['prometheus']);
    expect([...projectNames('https://gnu.org/software/bash', 'bash')]).toEqual(['bash']);
    expect([...projectNames('https://example.co.uk', 'x')]).toEqual(['example']);
    expect([...projectNames('https://grafana.github.io', 'x')]).toEqual(['grafana']);
    expect([...projectNames('https://grafana.com/oss/loki', 'loki')].sort()).toEqual(['grafana', 'loki']);
  });

  it('summary similarity is a Jaccard of content words', () => {
    expect(summarySimilarity('Metrics dashboard and graph editor', 'Metrics dashboard and graph editor for Graphite')).toBeCloseTo(4 / 5);
    expect(summarySimilarity('the a', 'x y')).toBeNull();
  });

  const facts = (vendor: string, urls: string[], sourceNames: string[] = [], summaries: string[] = []) => ({ vendor, urls, sourceNames, summaries });

  it('url agreement decides same even when source names differ', () => {
    expect(judgeSameSoftware('grafana', [facts('A', ['https://grafana.com'], ['grafana']), facts('B', ['https://grafana.org/'], ['grafana-fedora'])]).verdict).toBe('same');
  });

  it('different urls with a matching source package is a conflict: unknown', () => {
    expect(judgeSameSoftware('x', [facts('A', ['https://a.example'], ['x']), facts('B', ['https://b.example'], ['x'])]).verdict).toBe('unknown');
  });

  it('weak evidence alone never decides; source + summary both different do', () => {
    expect(judgeSameSoftware('x', [facts('A', [], [], ['web server']), facts('B', [], [], ['packet radio node'])]).verdict).toBe('unknown');
    expect(judgeSameSoftware('x', [facts('A', [], ['x'], ['web server']), facts('B', [], ['y'], ['packet radio node'])]).verdict).toBe('different');
  });

  it('with three vendors any different pair makes the clash different, and evidence names the pair', () => {
    const r = judgeSameSoftware('grafana', [facts('A', ['https://grafana.com']), facts('B', ['https://grafana.org']), facts('C', ['https://unrelated.example'])]);
    expect(r.verdict).toBe('different');
    expect(r.evidence).toHaveLength(9);
    expect(r.evidence[0]!.detail.startsWith('A / B: ')).toBe(true);
  });
});
