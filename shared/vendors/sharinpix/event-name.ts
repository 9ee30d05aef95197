import { invalid, type Validated } from '../../validation/validation-issue';

/** Where the event name comes from, as a dotted issue path the 400 body can report. */
const EVENT_NAME_HEADER_PATH = 'headers.x-sharinpix-event';

/**
 * The SharinPix events this service turns into records (contract, "Bodies"). Any other plausible
 * name is an authentic event that is kept in the ledger and answered `ignored`.
 */
export const SHARINPIX_EVENT_TYPES = [
  'new_image',
  'image_processed',
  'new_tag_image',
  'delete_image',
  'delete_tag_image',
  'upload_done',
  'new_einstein_prediction',
] as const;
/** A supported event name, the discriminant of `SupportedSharinpixEvent`. */
export type SharinpixEventType = (typeof SHARINPIX_EVENT_TYPES)[number];

/**
 * Spellings of the supported names that SharinPix's own pages and older receivers use (the docs
 * title them "Processed image", "Delete tag image", …; only `new_image`, `new_tag_image` and
 * `upload_done` are confirmed on the wire). Kept small on purpose: an unknown
 * spelling is not lost, it is kept as an ignored event and can be added here later.
 */
const ALIASES: ReadonlyMap<string, SharinpixEventType> = new Map([
  ['new_images', 'new_image'],
  ['processed_image', 'image_processed'],
  ['image_deleted', 'delete_image'],
  ['deleted_image', 'delete_image'],
  ['tag_image', 'new_tag_image'],
  ['image_tagged', 'new_tag_image'],
  ['untag_image', 'delete_tag_image'],
  ['deleted_tag_image', 'delete_tag_image'],
  ['tag_image_deleted', 'delete_tag_image'],
  ['einstein_prediction', 'new_einstein_prediction'],
]);

/** A name that could be a SharinPix event: snake_case, bounded, so it is safe in ids and logs. */
const PLAUSIBLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Headers are typed by people in Salesforce setups: `New Image`, `new-image`, `newImage` and
 * `NewImage` all mean `new_image`.
 */
const foldEventName = (raw: string): string =>
  raw
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Narrows a canonical name to the supported ones. */
export const isSupportedEventType = (name: string): name is SharinpixEventType =>
  (SHARINPIX_EVENT_TYPES as readonly string[]).includes(name);

/**
 * The canonical event name of a delivery: folded, with aliases resolved. A missing or
 * implausible header is the sender's error (400); a plausible unknown name is returned as is, so
 * the caller can keep it as an ignored event. Canonical names map to themselves, so the worker can
 * pass the stored event type back in.
 */
export const readEventName = (header: string | undefined): Validated<string> => {
  if (header === undefined || header.trim() === '') {
    return invalid(EVENT_NAME_HEADER_PATH, 'is required: the SharinPix event name');
  }
  const folded = foldEventName(header);
  if (!PLAUSIBLE_NAME.test(folded)) {
    return invalid(
      EVENT_NAME_HEADER_PATH,
      'must be an event name such as new_image: letters, digits and underscores, at most 64',
    );
  }
  return { ok: true, value: ALIASES.get(folded) ?? folded };
};
