import { existsSync, readFileSync } from 'node:fs';
import * as v from 'valibot';
import { changesFilePath } from '../../local/change-bus/change-log';
import {
  type CollectionCompletedEvent,
  COLLECTION_COMPLETED,
  type DeliveredChangeEvent,
  DeliveredChangeEventSchema,
  type ImageRecordChangedEvent,
  IMAGE_RECORD_CHANGED,
} from '../../shared/changes/change-event';
import type { Collection, ImageRecord } from '../../shared/record/image-record';
import type { Vendor } from '../../shared/vendors/vendor';

/** Every change event in `<data dir>/changes.jsonl`, each checked against the published schema. */
export const readChanges = (dataDir: string): DeliveredChangeEvent[] => {
  const path = changesFilePath(dataDir);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => v.parse(DeliveredChangeEventSchema, JSON.parse(line)));
};

export const imageChanges = (events: readonly DeliveredChangeEvent[]): ImageRecordChangedEvent[] =>
  events.filter(
    (event): event is ImageRecordChangedEvent => event['detail-type'] === IMAGE_RECORD_CHANGED,
  );

export const completions = (events: readonly DeliveredChangeEvent[]): CollectionCompletedEvent[] =>
  events.filter(
    (event): event is CollectionCompletedEvent => event['detail-type'] === COLLECTION_COMPLETED,
  );

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
};

/**
 * A record's field paths at the granularity the contract's `changed` names them, written from the
 * contract rather than taken from the publisher: `urls.<kind>` (`urls.thumbnails.<size>`),
 * `tags.<id>`, `vendorMeta.<key>`, every other field whole; `updatedAt` changes on every write and
 * is no change.
 */
const fieldPaths = (record: ImageRecord): Map<string, string> => {
  const paths = new Map<string, string>();
  for (const [field, value] of Object.entries(record)) {
    if (field === 'updatedAt' || value === undefined) continue;
    if (field === 'urls') {
      for (const [kind, url] of Object.entries(record.urls)) {
        if (kind !== 'thumbnails') paths.set(`urls.${kind}`, canonical(url));
      }
      for (const [size, url] of Object.entries(record.urls.thumbnails ?? {})) {
        paths.set(`urls.thumbnails.${size}`, canonical(url));
      }
    } else if (field === 'tags') {
      for (const tag of record.tags) paths.set(`tags.${tag.id}`, canonical(tag));
    } else if (field === 'vendorMeta') {
      for (const [key, meta] of Object.entries(record.vendorMeta)) {
        paths.set(`vendorMeta.${key}`, canonical(meta));
      }
    } else {
      paths.set(field, canonical(value));
    }
  }
  return paths;
};

/** The paths whose value differs between two records (added, removed or altered), sorted. */
export const expectedChanged = (before: ImageRecord | undefined, after: ImageRecord): string[] => {
  const next = fieldPaths(after);
  const previous = before === undefined ? new Map<string, string>() : fieldPaths(before);
  const paths = new Set<string>();
  for (const [path, value] of next) if (previous.get(path) !== value) paths.add(path);
  for (const path of previous.keys()) if (!next.has(path)) paths.add(path);
  return [...paths].sort();
};

const PayloadSchema = v.looseObject({
  sku_status: v.optional(v.unknown()),
  sku_id: v.optional(v.unknown()),
  project_id: v.optional(v.unknown()),
  album_id: v.optional(v.unknown()),
  status: v.optional(v.unknown()),
  id: v.optional(v.unknown()),
});

/**
 * The collection an applied event completes, by the contract's rules, from the validated event
 * (its type and payload): Spyne, a SKU whose `sku_status` is done in any case, or any v1 event;
 * SharinPix, `upload_done` for its album; Image Intelligence, a job in a `COMPLETED_*` status.
 */
export const contractCompletion = (
  vendor: Vendor,
  event: { readonly eventType: string; readonly payload: unknown },
): Collection | undefined => {
  const payload = v.parse(PayloadSchema, event.payload);
  const text = (value: unknown) => (typeof value === 'string' ? value : String(value ?? ''));
  switch (vendor) {
    case 'spyne':
      return event.eventType === 'sku.v1' || text(payload.sku_status).toLowerCase() === 'done'
        ? {
            kind: 'sku',
            id: text(payload.sku_id),
            ...(payload.project_id === undefined ? {} : { parentId: text(payload.project_id) }),
          }
        : undefined;
    case 'sharinpix':
      return event.eventType === 'upload_done'
        ? { kind: 'album', id: text(payload.album_id) }
        : undefined;
    case 'image-intelligence':
      return text(payload.status).toUpperCase().startsWith('COMPLETED_')
        ? { kind: 'job', id: text(payload.id) }
        : undefined;
    case 'cloudinary':
      return undefined;
  }
};
