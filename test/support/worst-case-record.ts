import { randomBytes } from 'node:crypto';
import { eventClock, type EventClock } from '../../shared/record/record-state';
import type { ImageChange } from '../../shared/record/image-change';
import {
  DETECTION_SOURCES,
  MAX_CLOCK_BYTES,
  MAX_CORE_VALUE_BYTES,
  MAX_DETECTIONS_PER_SOURCE,
  MAX_LABEL_BYTES,
  MAX_META_ENTRIES,
  MAX_META_KEY_BYTES,
  MAX_META_VALUE_BYTES,
  MAX_TAG_ENTRIES,
  MAX_TAG_ID_BYTES,
  MAX_TAG_LABEL_BYTES,
  MAX_TAG_NAME_BYTES,
  MAX_URL_VALUE_BYTES,
  THUMBNAIL_SIZES,
  URL_KINDS,
} from '../../shared/record/image-record';

/**
 * Text that neither deflate nor DynamoDB can shrink: random URL-safe characters, `length` of them
 * (one byte each, no JSON escapes).
 */
export const incompressible = (length: number): string =>
  randomBytes(length).toString('base64url').slice(0, length);

/** A clock whose JSON is exactly `MAX_CLOCK_BYTES` long, unique per `index`. */
const longestClock = (index: number): EventClock => {
  const time = new Date(Date.UTC(2026, 0, 1, 0, 0, index));
  const prefix = `${time.toISOString()}|e${index}-`;
  // The clock's JSON adds two quotes.
  return eventClock(time, `e${index}-${incompressible(MAX_CLOCK_BYTES - 2 - prefix.length)}`);
};

/** A string whose JSON is `bytes` long. */
const text = (bytes: number): string => incompressible(bytes - 2);

/**
 * One change per field, each from its own event with a clock of the longest length, that together
 * fill every part of a record to its cap with values that cannot be compressed: the largest record
 * any history can build, as far as the caps allow. The changes are already within the caps.
 */
export const worstCaseChanges = (imageId: string): ImageChange[] => {
  let index = 0;
  const change = (patch: ImageChange['patch']): ImageChange => ({
    vendor: 'spyne',
    imageId,
    clock: longestClock((index += 1)),
    patch,
  });
  const core = (name: string, value: unknown) => change({ core: { [name]: value } });
  const changes: ImageChange[] = [
    core('collection', { kind: 'sku', id: text(258), parentId: text(258) }),
    ...['name', 'category', 'format', 'externalId', 'error'].map((name) =>
      core(name, text(MAX_CORE_VALUE_BYTES)),
    ),
    core('status', 'processing'),
    core('sequence', 123456789012),
    core('width', 1.234567890123),
    core('height', 9.876543210987),
    core('sizeBytes', 123456789012),
    core('rotation', 270),
    core('gps', { lat: -89.123456789012, lon: -179.123456789012 }),
    core('createdAt', '2026-01-01T00:00:00.000Z'),
    core('takenAt', '2026-01-01T00:00:00.000Z'),
    ...URL_KINDS.map((kind) =>
      change({ urls: { [kind]: `https://${text(MAX_URL_VALUE_BYTES - 8)}` } }),
    ),
    ...THUMBNAIL_SIZES.map((size) =>
      change({ thumbnails: { [size]: `https://${text(MAX_URL_VALUE_BYTES - 8)}` } }),
    ),
    change({ uploaded: true }),
    change({ deleted: true }),
    ...DETECTION_SOURCES.map((source) =>
      change({
        detections: {
          [source]: Array.from({ length: MAX_DETECTIONS_PER_SOURCE }, (_, n) => ({
            label: text(MAX_LABEL_BYTES),
            confidence: 0.123456789012345 + n / 1e6,
            verdict: false,
            hitl: false,
            source,
          })),
        },
      }),
    ),
    ...Array.from({ length: MAX_TAG_ENTRIES }, () =>
      change({
        tags: {
          [text(MAX_TAG_ID_BYTES)]: {
            name: text(MAX_TAG_NAME_BYTES),
            label: text(MAX_TAG_LABEL_BYTES),
          },
        },
      }),
    ),
    ...Array.from({ length: MAX_META_ENTRIES }, () =>
      change({
        vendorMeta: { [text(MAX_META_KEY_BYTES)]: text(MAX_META_VALUE_BYTES) },
      }),
    ),
  ];
  return changes;
};
