import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { withoutPersonalData } from '../privacy/personal-data';

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
 * Largest free-form vendor object kept, in UTF-8 bytes of its JSON. Each one lands in the
 * `vendorMeta` of every image record its event touches, and a record must stay under DynamoDB's
 * 400 KB item limit: an event whose record could never be stored must be refused at the door
 * (400, quarantined) rather than accepted and dead-lettered on every retry. Real blobs are a few
 * hundred bytes; records hold at most a few of them.
 */
export const MAX_JSON_OBJECT_BYTES = 64 * 1024;

/**
 * Free-form vendor objects (metadata blobs) are kept in `vendorMeta`, so they are copied into
 * fresh plain objects by `sanitizeJson`, cleared of personal data and credentials at any depth
 * (`withoutPersonalData`), and bounded in size. Anything it rejects fails
 * validation here instead of surprising a later stage.
 */
export const JsonObjectSchema = v.pipe(
  // Not `v.record`: it accepts an array and copies it into `{"0": …}`.
  v.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'must be a JSON object',
  ),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const sanitized = sanitizeJson(dataset.value, 'reject');
    const clean =
      sanitized === undefined ? undefined : (withoutPersonalData(sanitized) as JsonValue);
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
    if (Buffer.byteLength(JSON.stringify(clean), 'utf8') > MAX_JSON_OBJECT_BYTES) {
      addIssue({ message: `must be at most ${MAX_JSON_OBJECT_BYTES} bytes as JSON` });
      return NEVER;
    }
    return clean;
  }),
);

/** Characters `JSON.stringify` escapes in a string (surrogates: only unpaired ones, checked there). */
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string as `JSON.stringify` writes it. Most strings here (ids, URLs, names) need no escape, and
 * quoting them directly is several times cheaper than a native call per string; anything that
 * might need one goes through `JSON.stringify` itself, so the bytes are always the same.
 */
const jsonString = (text: string): string =>
  NEEDS_JSON_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;

/**
 * Sorts object keys recursively so that equal data always serializes to equal bytes. Like
 * `JSON.stringify`, it skips `undefined` properties and writes `undefined` array items as `null`
 * (array holes, which JSON never produces, as nothing). Only call it on bounded (validated) data.
 *
 * It runs on every ingested payload (the `eventId` digest) and in every merge, so it is written as
 * one pass with string appends; keys sort in UTF-16 code unit order (`Array#sort`'s default).
 */
export const canonicalJson = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      if (index in value) out += canonicalJson(value[index]);
    }
    return `${out}]`;
  }
  if (!isJsonObject(value)) return 'null';
  let out = '{';
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${jsonString(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
};

/** 16 hex characters of SHA-256 over a canonical form. */
const digestOfCanonical = (canonical: string): string =>
  createHash('sha256').update(canonical).digest('hex').slice(0, 16);

/**
 * A short, stable digest of validated data (16 hex characters of SHA-256 over its canonical
 * form), and that canonical form itself: on a 100-image SKU writing it costs about as much as the
 * SQS call's own serialization, so the queue message reuses it as the payload's text
 * (`EventIdentity.canonicalPayload`) rather than writing the payload a second time.
 */
export const contentDigestOf = (value: unknown): { digest: string; canonical: string } => {
  const canonical = canonicalJson(value);
  return { digest: digestOfCanonical(canonical), canonical };
};

/** `contentDigestOf`, the digest alone. */
export const contentDigest = (value: unknown): string => contentDigestOf(value).digest;

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
