import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vendor } from '../../shared/vendors/vendor';

/** Where the plain vendor bodies live; `events/` fixtures are generated from them. */
export const BODIES_DIR = join(__dirname, '..', '..', 'events', 'bodies');

/** One plain vendor body from `events/bodies/<vendor>/<name>.json`, parsed. */
export const loadBody = (vendor: Vendor, name: string): unknown =>
  JSON.parse(readFileSync(join(BODIES_DIR, vendor, `${name}.json`), 'utf8'));

/** The names of every plain body of a vendor. */
export const bodyNames = (vendor: Vendor): string[] =>
  readdirSync(join(BODIES_DIR, vendor))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
