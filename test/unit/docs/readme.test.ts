import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';

const ROOT = join(__dirname, '..', '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PackageSchema = v.object({ scripts: v.record(v.string(), v.string()) });
const SCRIPTS = v.parse(
  PackageSchema,
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')),
).scripts;

/**
 * The README is the newcomer's first page: short enough to read, and every command and link in
 * it must work as written, so a script rename or a moved document fails here, not in a reader's
 * terminal.
 */
describe('README', () => {
  it('stays within 250 lines', () => {
    // Act
    const lines = README.split('\n').length;

    // Assess
    expect(lines).toBeLessThanOrEqual(250);
  });

  it('names only npm scripts that exist', () => {
    // Prepare
    const named = [...README.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((match) => match[1]);

    // Act
    const missing = [...new Set(named)].filter((name) => name === undefined || !(name in SCRIPTS));

    // Assess
    expect(named.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('links only files that exist in the repository', () => {
    // Prepare
    const targets = [...README.matchAll(/\]\(((?!https?:)[^)#\s]+)(?:#[^)]*)?\)/g)].map(
      (match) => match[1] ?? '',
    );

    // Act
    const missing = targets.filter((target) => !existsSync(join(ROOT, target)));

    // Assess
    expect(targets.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('speaks of this repository only', () => {
    // Assess
    expect(README).not.toMatch(/\bBRIEF\b|VENDORS\.md|\bissue #?\d+/i);
  });
});
