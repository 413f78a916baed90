import { describe, expect, it } from 'vitest';
import { atOrAbove, compareFindings, maxSeverity } from '../../src/analysis/findings.js';
import type { FindingBase } from '../../src/analysis/types.js';

describe('severity order', () => {
  it('atOrAbove and maxSeverity', () => {
    expect(atOrAbove('error', 'warning')).toBe(true);
    expect(atOrAbove('warning', 'warning')).toBe(true);
    expect(atOrAbove('info', 'warning')).toBe(false);
    expect(maxSeverity('info', 'error')).toBe('error');
  });

  it('sorts most severe first, then kind, then name', () => {
    const f = (kind: FindingBase['kind'], severity: FindingBase['severity'], name: string): FindingBase => ({ kind, severity, name, key: `${kind}|${name}`, title: '', scope: null });
    const sorted = [f('lag', 'error', 'a'), f('clash', 'info', 'a'), f('clash', 'error', 'b'), f('clash', 'error', 'a'), f('pingpong', 'warning', 'a')].sort(compareFindings);
    expect(sorted.map((x) => `${x.severity}:${x.kind}:${x.name}`)).toEqual(['error:clash:a', 'error:clash:b', 'error:lag:a', 'warning:pingpong:a', 'info:clash:a']);
  });
});
