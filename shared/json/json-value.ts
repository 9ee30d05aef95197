import { createHash } from 'node:crypto';
import * as v from 'valibot';

/** A JSON value as it comes out of `JSON.parse`, after sanitizing. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * True for a JSON object, not an array or null. valibot's `v.object` accepts an array as an
 * object, which would answer a `[]` body with "id is required" instead of naming the real problem,
 * so every vendor checks this first.
 */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys that would reach an object's prototype when copied with assignment or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deepest nesting accepted inside a free-form vendor blob (`metadatas`, `image_meta_data`, …).
 * `JSON.parse` accepts a 1 MiB body nested 500,000 levels deep, but `JSON.stringify` and every
 * recursive walk overflow the stack long before that, so depth is bounded at the boundary.
 */
export const MAX_JSON_DEPTH = 16;

/** What `sanitizeJson` does with a branch nested deeper than `MAX_JSON_DEPTH`. */
export type TooDeep = 'reject' | 'truncate';

/**
 * Copies a parsed JSON value into fresh plain objects: prototype keys are dropped, numbers must
 * be finite, and nesting is bounded. Returns `undefined` when the value is rejected.
 */
export const sanitizeJson = (
  value: unknown,
  tooDeep: TooDeep,
  depth = 0,
): JsonValue | undefined => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_JSON_DEPTH) return tooDeep === 'truncate' ? null : undefined;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const clean = sanitizeJson(item, tooDeep, depth + 1);
      if (clean === undefined) return undefined;
      out.push(clean);
    }
    return out;
  }
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const clean = sanitizeJson(item, tooDeep, depth + 1);
    if (clean === undefined) return undefined;
    out[key] = clean;
  }
  return out;
};

/**
 * Free-form vendor objects (metadata blobs) are kept verbatim in `vendorMeta`, so they are copied
 * into fresh plain objects by `sanitizeJson`. Anything it rejects fails validation here instead
 * of surprising a later stage.
 */
export const JsonObjectSchema = v.pipe(
  // Not `v.record`: it accepts an array and copies it into `{"0": …}`.
  v.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'must be a JSON object',
  ),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const clean = sanitizeJson(dataset.value, 'reject');
    if (
      clean === undefined ||
      clean === null ||
      typeof clean !== 'object' ||
      Array.isArray(clean)
    ) {
      addIssue({
        message: `must be a JSON object nested at most ${MAX_JSON_DEPTH} levels deep, with finite numbers`,
      });
      return NEVER;
    }
    return clean;
  }),
);

/**
 * Sorts object keys recursively so that equal data always serializes to equal bytes. Like
 * `JSON.stringify`, it skips `undefined` properties. Only call it on bounded (validated) data.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
};

/** A short, stable digest of validated data: 16 hex characters of SHA-256 over its canonical form. */
export const contentDigest = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);

/**
 * Keeps the named values that were sent. On these wires absent and `null` both mean "not sent",
 * and a record patch must only name what an event actually knows.
 */
export const presentValues = (
  values: Readonly<Record<string, JsonValue | undefined>>,
): Record<string, JsonValue> => {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
};
