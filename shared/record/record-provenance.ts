import type { EventClock, RecordState } from './record-state';

/** The event that set one field of a record: its id and its event time. */
export interface FieldOrigin {
  readonly eventId: string;
  readonly eventTime: string;
}

/** Record field path (`status`, `urls.output`, `tags.<id>`, …) → the event that set it. */
export type RecordProvenance = Readonly<Record<string, FieldOrigin>>;

/** A clock is `<time>|<eventId>`; the time never holds a `|`, an eventId may. */
export const originOf = (clock: EventClock): FieldOrigin => {
  const bar = clock.indexOf('|');
  return { eventTime: clock.slice(0, bar), eventId: clock.slice(bar + 1) };
};

/** The record path a stored field key shows up under, or `undefined` for keys with no path. */
const pathOf = (key: string): string | undefined => {
  const colon = key.indexOf(':');
  const group = key.slice(0, colon);
  const name = key.slice(colon + 1);
  switch (group) {
    case 'core':
      return name === 'status' ? undefined : name;
    case 'url':
      return `urls.${name}`;
    case 'thumb':
      return `urls.thumbnails.${name}`;
    case 'tag':
      return `tags.${name}`;
    case 'det':
      return `detections.${name}`;
    case 'meta':
      return `vendorMeta.${name}`;
    case 'flag':
      return name === 'deleted' ? 'deleted' : undefined;
    case 'time':
      return name;
    default:
      return undefined;
  }
};

/**
 * Why a record holds each value, read from the clocks the merge keeps per field anyway: nothing
 * extra is stored or read to answer it. Cleared fields are not part of the record, so they have
 * no path here. `status` comes from whichever field decides it in `toImageRecord`: the deletion,
 * else the last stated status, else the event that said the image exists. `detections.<source>`
 * names the event that last replaced that source's detections, `tags.<id>` the one that last
 * set or removed that tag. Pure.
 */
export const provenanceOf = (state: RecordState): RecordProvenance => {
  const provenance: Record<string, FieldOrigin> = {};
  for (const [key, entry] of Object.entries(state.fields)) {
    const path = pathOf(key);
    if (path === undefined || entry.value === null) continue;
    if (key.startsWith('det:') && Array.isArray(entry.value) && entry.value.length === 0) continue;
    provenance[path] = originOf(entry.clock);
  }
  const statusField =
    state.fields['flag:deleted']?.value === true
      ? state.fields['flag:deleted']
      : state.fields['core:status']?.value != null
        ? state.fields['core:status']
        : state.fields['flag:uploaded'];
  if (statusField !== undefined) provenance.status = originOf(statusField.clock);
  return Object.fromEntries(
    Object.entries(provenance).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
};
