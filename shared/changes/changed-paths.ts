import { canonicalJson } from '../json/json-value';
import type { ImageRecord } from '../record/image-record';

/** Fields that change on every write, so they never say what changed. */
const NOT_A_CHANGE: ReadonlySet<string> = new Set(['updatedAt']);

/**
 * The record as `path → canonical JSON` at the granularity `changed` reports: URLs per kind,
 * thumbnails per size, tags per id, vendor metadata per key, every other field whole.
 */
const flatten = (record: ImageRecord): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    if (NOT_A_CHANGE.has(key) || value === undefined) continue;
    if (key === 'urls') {
      const { thumbnails, ...urls } = record.urls;
      for (const [kind, url] of Object.entries(urls)) {
        if (url !== undefined) out.set(`urls.${kind}`, canonicalJson(url));
      }
      for (const [size, url] of Object.entries(thumbnails ?? {})) {
        if (url !== undefined) out.set(`urls.thumbnails.${size}`, canonicalJson(url));
      }
    } else if (key === 'tags') {
      for (const tag of record.tags) out.set(`tags.${tag.id}`, canonicalJson(tag));
    } else if (key === 'vendorMeta') {
      for (const [name, meta] of Object.entries(record.vendorMeta)) {
        out.set(`vendorMeta.${name}`, canonicalJson(meta));
      }
    } else {
      out.set(key, canonicalJson(value));
    }
  }
  return out;
};

/**
 * The field paths whose value differs between two versions of a record (added, removed or
 * altered), sorted. Without a `before`, every path of `after`. Empty when the records differ only
 * in `updatedAt`: a write that only moved a field's clock changed nothing a reader can see.
 * Pure.
 */
export const changedPaths = (before: ImageRecord | undefined, after: ImageRecord): string[] => {
  const next = flatten(after);
  const previous = before === undefined ? new Map<string, string>() : flatten(before);
  const paths = new Set<string>();
  for (const [path, value] of next) if (previous.get(path) !== value) paths.add(path);
  for (const path of previous.keys()) if (!next.has(path)) paths.add(path);
  return [...paths].sort();
};
