/**
 * The order of events. Every event has an event time (the vendor's, where the payload dates the
 * change, else the gateway's receipt time) and an `eventId`. The contract orders events by time,
 * ties going to the larger `eventId`.
 *
 * A clock is encoded as one string, `<ISO-8601 UTC time>|<eventId>`. `toISOString()` is fixed
 * width for years 0–9999, so plain string comparison is exactly that order, in code and in
 * storage alike.
 */
export type EventClock = string & { readonly __brand: 'EventClock' };

export const eventClock = (eventTime: Date, eventId: string): EventClock =>
  `${eventTime.toISOString()}|${eventId}` as EventClock;

/** The ISO time part of a clock. */
export const clockTime = (clock: EventClock): string => clock.slice(0, clock.indexOf('|'));
