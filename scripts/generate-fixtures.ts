import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildFixtures, EVENTS_DIR, fixtureText, GENERATED_DIRS } from './fixtures/build-fixtures';

/**
 * `npm run fixtures`: regenerates `events/` from the plain vendor bodies in `events/bodies/`, so
 * the replayable events and the bodies cannot drift apart (a unit test fails if they do).
 */
const main = (): void => {
  for (const dir of GENERATED_DIRS) rmSync(join(EVENTS_DIR, dir), { recursive: true, force: true });
  const fixtures = buildFixtures();
  for (const fixture of fixtures) {
    const path = join(EVENTS_DIR, fixture.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, fixtureText(fixture));
  }
  const counts = GENERATED_DIRS.map((dir) => {
    const path = join(EVENTS_DIR, dir);
    return `${dir}: ${existsSync(path) ? readdirSync(path).length : 0}`;
  });
  console.log(`wrote ${fixtures.length} fixtures (${counts.join(', ')})`);
};

main();
