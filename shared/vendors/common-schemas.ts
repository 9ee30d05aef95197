import * as v from 'valibot';
import { droppable } from '../validation/validation-issue';

/**
 * What every vendor's reading of a delivery shares: the lenient field schemas (ids, text,
 * URLs, times, numbers) the vendor schemas are built from, the helpers their normalizers map those
 * fields with, and the rule that turns a vendor's time into an event time (`eventTimeFrom`). They
 * belong together because each vendor folder uses them the same way, so a rule about a field (how
 * long an id may be, when a vendor's clock is trusted) is made once for all vendors.
 */

/**
 * Building blocks shared by the vendor schemas. The rule: strict on what records
 * need (ids and URLs), lenient where the wire is known to vary (case, number|string,
 * null|absent, seconds|milliseconds). Unknown fields pass: `v.object` drops them.
 */

/** Longest id accepted from a vendor; real ones are UUIDs or Salesforce ids. */
export const MAX_ID_LENGTH = 256;
/** Longest URL accepted; presigned S3 URLs run to about 1,500 characters. */
export const MAX_URL_LENGTH = 4096;
/** Longest free text (names, statuses, reasons). */
export const MAX_TEXT_LENGTH = 2048;
/** Most items in any vendor array; a 1 MiB body cannot hold more useful ones. */
export const MAX_ITEMS = 5000;

/** A vendor id: a non-empty string, trimmed, without control characters. */
export const IdSchema = v.pipe(
  v.string('must be a string id'),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  // Control characters on purpose: rejecting control characters is the point.
  v.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
);

/** Free text, bounded. */
export const TextSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
);

/** Starts with an http(s) scheme and `//`, in any letter case: the URL parser keeps that scheme. */
const HTTP_SCHEME_PREFIX = /^https?:\/\//i;

/**
 * An absolute http(s) URL by the WHATWG parser (`new URL`). A value that starts with `http://`
 * or `https://` can only parse to that scheme, so for those (nearly every value on these wires,
 * hundreds per delivery) `URL.canParse` answers without building a URL object.
 */
const isHttpUrl = (value: string): boolean => {
  if (HTTP_SCHEME_PREFIX.test(value)) return URL.canParse(value);
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * An http(s) URL. An empty string, which senders use for "none yet", reads as absent; anything
 * else that is not an absolute http(s) URL is rejected.
 */
export const UrlSchema = v.pipe(
  v.string('must be a URL string'),
  v.trim(),
  v.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  v.check((value) => value === '' || isHttpUrl(value), 'must be an absolute http(s) URL'),
);

/** An integer sent as a number or as a string of digits (a frame number sent as `"1"`). */
export const IntegerLikeSchema = v.union(
  [
    v.pipe(v.number(), v.integer(), v.minValue(-1e12), v.maxValue(1e12)),
    v.pipe(v.string(), v.trim(), v.regex(/^-?\d{1,12}$/)),
  ],
  'must be an integer, as a number or a string of digits',
);

/**
 * A boolean, or the strings `"true"`/`"false"` that form-built senders produce (and Image
 * Intelligence's own DetectJobResponse example sends for `hitl`).
 */
export const BooleanLikeSchema = v.union(
  [
    v.boolean(),
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(['true', 'false']),
      v.transform((value) => value === 'true'),
    ),
  ],
  'must be true or false',
);

/**
 * A number sent as a number or a numeric string. A string beyond the finite range (`"1e999"`)
 * fails: it names no number a record can hold, and taking it as Infinity would erase the field
 * (JSON has no Infinity). Optional fields hold it with `optionalFormat`, so the event is accepted
 * without the value, and the drop is counted and noted.
 */
export const NumberLikeSchema = v.union(
  [
    v.pipe(v.number(), v.finite()),
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^-?\d{1,15}(\.\d{1,15})?([eE][-+]?\d{1,3})?$/),
      v.check((text) => Number.isFinite(Number(text)), 'must be a finite number'),
    ),
  ],
  'must be a number, or a string holding one',
);

/** Reads an `IntegerLikeSchema` or `NumberLikeSchema` value. */
export const toNumber = (value: number | string): number =>
  typeof value === 'number' ? value : Number(value);

/** `toNumber` of a value the wire may leave out (absent or `null`). */
export const numberOrUndefined = (value: number | string | null | undefined): number | undefined =>
  value == null ? undefined : toNumber(value);

/**
 * The times `toISOString` writes in its four-digit-year form (0000-01-01 to 9999-12-31), the only
 * form the record's and the envelope's ISO timestamps accept. `Date` reads years far beyond it
 * (`+010000-…`), which would be accepted here and then break the record that carries them.
 */
const MIN_ISO_EPOCH_MS = -62_167_219_200_000;
export const MAX_ISO_EPOCH_MS = 253_402_300_799_999;

const isDate = (value: string): boolean => {
  const millis = Date.parse(value);
  return millis >= MIN_ISO_EPOCH_MS && millis <= MAX_ISO_EPOCH_MS;
};

/**
 * A date-time string that `Date` can read, such as ISO-8601 with or without an offset, between
 * the years 0000 and 9999.
 */
export const DateTimeSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(64),
  v.check(isDate, 'must be an ISO-8601 date-time'),
);

/** `null` and absent mean the same on these wires. */
export const optional = <TSchema extends v.GenericSchema>(schema: TSchema) =>
  v.optional(v.nullable(schema));

/**
 * An optional field with a format (a URL, a number, a date, a bounded blob): a value that fails it
 * is dropped from the event, which is accepted without it, and the drop is counted and noted (see
 * `validateDropping`). A vendor that gets a 4xx may give up on the whole event, and the event can
 * be applied without this field.
 */
export const optionalFormat = <TSchema extends v.GenericSchema>(schema: TSchema) =>
  optional(droppable(schema));

/** A bounded array. */
export const listOf = <TSchema extends v.GenericSchema>(item: TSchema, minItems = 0) =>
  v.pipe(
    v.array(item),
    v.minLength(minItems, `must hold at least ${minItems} item${minItems === 1 ? '' : 's'}`),
    v.maxLength(MAX_ITEMS, `must hold at most ${MAX_ITEMS} items`),
  );

/** Normalizes a date-time string to UTC ISO-8601, the record's one time format. */
export const toIsoTime = (value: string): string => new Date(value).toISOString();

/** An empty URL means "none". */
export const urlOrUndefined = (value: string | null | undefined): string | undefined =>
  value ? value : undefined;

/** How far ahead of our receipt time a vendor's clock may run before we stop trusting it. */
const MAX_VENDOR_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The event time: the vendor's time where the payload dates the change, else the receipt time.
 * A vendor time from the future (beyond clock skew) would let its event win every later one, so
 * it falls back to the receipt time, as does an unreadable one.
 */
export const eventTimeFrom = (vendorTime: string | undefined, receivedAt: Date): Date => {
  if (vendorTime === undefined) return receivedAt;
  const millis = Date.parse(vendorTime);
  if (Number.isNaN(millis) || millis > receivedAt.getTime() + MAX_VENDOR_CLOCK_SKEW_MS) {
    return receivedAt;
  }
  return new Date(millis);
};
