import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors.js';
import { parseProvides, parseRelation, parseRelationField } from '../../../src/formats/deb/relations.js';

describe('relations', () => {
  it('reads names, operators, versions and alternatives', () => {
    expect(parseRelationField('libc6 (>= 2.36), default-mta | mail-transport-agent,  foo:any (<<1:2~rc1) [amd64 i386] <!nocheck>,')).toEqual([
      [{ name: 'libc6', flags: '>=', version: '2.36' }],
      [{ name: 'default-mta' }, { name: 'mail-transport-agent' }],
      [{ name: 'foo:any', flags: '<<', version: '1:2~rc1' }],
    ]);
    expect(parseRelation(' x ( = 1.0 ) ')).toEqual({ name: 'x', flags: '=', version: '1.0' });
    // Obsolete operators, and none at all, as dpkg/apt read them.
    expect(parseRelation('x (< 1)')).toEqual({ name: 'x', flags: '<=', version: '1' });
    expect(parseRelation('x (> 1)')).toEqual({ name: 'x', flags: '>=', version: '1' });
    expect(parseRelation('x (1)')).toEqual({ name: 'x', flags: '=', version: '1' });
    expect(parseRelationField('')).toEqual([]);
  });

  it('refuses malformed entries', () => {
    for (const bad of ['(>= 1)', 'x (>= 1', 'x (>=)', 'x (>= 1 2)', 'x y', 'x (=> 1)', 'x [amd64', 'a, | b']) {
      expect(() => parseRelationField(bad), bad).toThrow(FormatError);
    }
  });

  it('allows only single, exactly versioned entries in Provides', () => {
    expect(parseProvides('a, b (= 1.0),\n c')).toEqual([{ name: 'a' }, { name: 'b', flags: '=', version: '1.0' }, { name: 'c' }]);
    expect(() => parseProvides('a | b')).toThrow(/alternatives/);
    expect(() => parseProvides('a (>= 1)')).toThrow(/exact versions/);
  });
});
