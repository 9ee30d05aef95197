import {
  type BodyFile,
  type Delivery,
  deliveriesOf,
  readBodyFiles,
} from '../../../scripts/fixtures/build-fixtures';
import { SigningClock } from '../../../scripts/lib/signing-clock';
import type { Vendor } from '../../../shared/vendors/vendor';
import type { HttpRequest } from './http-client';

/** The plain vendor bodies of `events/bodies/`, as the fixture generator reads them. */
export const fixtureBodies = (): BodyFile[] => readBodyFiles();

/** The plain bodies of one vendor. */
export const fixtureBodiesOf = (vendor: Vendor): BodyFile[] =>
  fixtureBodies().filter((file) => file.vendor === vendor);

/** A delivery (path, query, headers, body text) as an HTTP request. */
export const toHttpRequest = (delivery: Delivery): HttpRequest => ({
  path: delivery.path,
  query: delivery.rawQueryString,
  headers: delivery.headers,
  body: Buffer.from(delivery.body, 'utf8'),
});

/** One clock for the run: a burst of Spyne deliveries for one SKU is signed in distinct seconds. */
const SIGNING_CLOCK = new SigningClock();

/**
 * How the vendor delivers this body with the dev secrets (see `deliveriesOf`): Spyne v2 signed,
 * v1 and Image Intelligence with `?token=`, SharinPix as JSON and as a form. `name` carries the
 * SharinPix event name (`new_image--copy-1` is delivered as `new_image`).
 */
export const deliveriesFor = (
  vendor: Vendor,
  name: string,
  body: Record<string, unknown>,
): Delivery[] =>
  deliveriesOf({ vendor, name, body, timeEpoch: SIGNING_CLOCK.timeFor(vendor, body) });

/** Keys whose string values are vendor ids (of images, albums, SKUs, jobs, tag links, folders). */
const ID_KEYS = new Set([
  'id',
  'public_id',
  'asset_id',
  'from_public_id',
  'to_public_id',
  'folder_path',
  'album_id',
  'sku_id',
  'project_id',
  'image_id',
  'image_ids',
]);

/** Shorter values are left alone: replacing them everywhere in the text could hit other text. */
const MIN_ID_LENGTH = 6;

const collectIds = (value: unknown, ids: Set<string>): void => {
  if (Array.isArray(value)) {
    for (const item of value) collectIds(item, ids);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (ID_KEYS.has(key)) {
      for (const id of Array.isArray(child) ? child : [child]) {
        if (typeof id === 'string' && id.length >= MIN_ID_LENGTH) ids.add(id);
      }
    }
    collectIds(child, ids);
  }
};

/**
 * A copy of a vendor body in which every vendor id (and every URL or name that embeds one) ends
 * in `-<suffix>`: a new image, album, SKU or job, so each copy is a distinct event with distinct
 * records, and suites sharing a stack never touch each other's records.
 */
export const withUniqueIds = (
  body: Record<string, unknown>,
  suffix: string,
): Record<string, unknown> => {
  const ids = new Set<string>();
  collectIds(body, ids);
  let text = JSON.stringify(body);
  for (const id of [...ids].sort((a, b) => b.length - a.length)) {
    text = text.split(id).join(`${id}-${suffix}`);
  }
  const copy: unknown = JSON.parse(text);
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    throw new Error('a body copy is not an object');
  }
  return Object.fromEntries(Object.entries(copy));
};

/** One generated webhook: its vendor and the request that delivers it. */
export interface GeneratedWebhook {
  readonly vendor: Vendor;
  readonly name: string;
  readonly request: HttpRequest;
}

/**
 * `count` distinct webhooks cycling through every fixture body of every vendor, each with its own
 * ids (`<prefix>-<n>`) and delivered as the vendor delivers it (SharinPix alternating JSON and
 * form): mixed vendors, realistic bodies, no two the same event.
 */
export const uniqueWebhooks = (count: number, prefix: string): GeneratedWebhook[] => {
  const files = fixtureBodies();
  return Array.from({ length: count }, (_, index) => {
    const file = files[index % files.length];
    if (!file) throw new Error('no fixture bodies');
    const variants = deliveriesFor(
      file.vendor,
      file.name,
      withUniqueIds(file.body, `${prefix}-${index}`),
    );
    const delivery = variants[Math.floor(index / files.length) % variants.length];
    if (!delivery) throw new Error(`no delivery for ${file.vendor}/${file.name}`);
    return { vendor: file.vendor, name: file.name, request: toHttpRequest(delivery) };
  });
};
