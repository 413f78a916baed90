/**
 * The README stays true: every option a command's --help lists is documented, in the README or in
 * the command's page under docs/commands/ that the README links. Read from the real command tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { repoRoot } from '../support/paths.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('every option in --help is documented', () => {
  const program = buildProgram();
  it.each(program.commands.map((c) => [c.name(), c] as const))('%s', (name, command) => {
    const page = path.join(repoRoot, 'docs/commands', `${name}.md`);
    const docs = readme + (existsSync(page) ? readFileSync(page, 'utf8') : '');
    if (existsSync(page)) expect(readme).toContain(`(docs/commands/${name}.md)`);
    expect(readme).toContain(`repoclash ${name}`);
    const undocumented = command.options.map((o) => o.long!).filter((flag) => !docs.includes(`\`${flag}`) && !docs.includes(` ${flag} `) && !docs.includes(`${flag}\``));
    expect(undocumented).toEqual([]);
  });
});
