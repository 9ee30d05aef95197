import { eventClock, toImageRecord } from '../../../../shared/record/record-state';
import type { ImageChange } from '../../../../shared/record/image-change';
import type { ImageRecord } from '../../../../shared/record/image-record';
import { mergeAll } from '../../../support/merge-all';
import type { ValidationIssue } from '../../../../shared/validation/validation-issue';
import { sharinpix } from '../../../../shared/vendors/sharinpix/definition';
import type { SharinpixEvent } from '../../../../shared/vendors/sharinpix/event';
import { loadBody } from '../../../support/vendor-bodies';

/** Helpers shared by the SharinPix unit tests: read, identify, normalize and assemble records. */

/** The gateway receipt time of every delivery unless a test says otherwise. */
export const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');

/** `n` minutes after `RECEIVED_AT`, for events delivered in a known order. */
export const minutesLater = (n: number): Date => new Date(RECEIVED_AT.getTime() + n * 60_000);

/** Narrows parsed JSON to an object without casting. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A plain body from `events/bodies/sharinpix/`, as a mutable copy. */
export const body = (name: string): Record<string, unknown> => {
  const parsed = loadBody('sharinpix', name);
  if (!isRecord(parsed)) throw new Error(`body ${name} is not an object`);
  return parsed;
};

/** A nested object of a body (for building variants of a fixture). */
export const child = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
  const value = parent[key];
  if (!isRecord(value)) throw new Error(`${key} is not an object`);
  return value;
};

/** Reads a delivery, failing the test on any issue. */
export const readOk = (payload: unknown, eventType: string): SharinpixEvent => {
  const result = sharinpix.read({ payload, eventType });
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues)}`);
  return result.value;
};

/** Reads a delivery that must fail, returning its issues. */
export const readIssues = (payload: unknown, eventType: string | undefined): ValidationIssue[] => {
  const result = sharinpix.read({ payload, eventType });
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return [...result.issues];
};

/**
 * Reads a delivery that is accepted without some of its optional fields: the paths dropped, and
 * the payload as queued.
 */
export const readDropped = (
  payload: unknown,
  eventType: string,
): { dropped: string[]; payload: unknown } => {
  const event = readOk(payload, eventType);
  const dropped = event.unsupported ? [] : (event.dropped ?? []);
  return { dropped: dropped.map((field) => field.path), payload: event.payload };
};

/** The dotted paths of issues, the part of a 400 a sender acts on. */
export const pathsOf = (issues: readonly ValidationIssue[]): string[] =>
  issues.map((issue) => issue.path);

/** The changes one delivery makes, as the worker computes them. */
export const changesOf = (
  payload: unknown,
  eventType: string,
  receivedAt: Date = RECEIVED_AT,
): readonly ImageChange[] => {
  const event = readOk(payload, eventType);
  const identity = sharinpix.identify(event, receivedAt);
  return sharinpix.normalize(event, eventClock(identity.eventTime, identity.eventId));
};

/** The record of one image after the given changes, in any order. */
export const recordOf = (changes: readonly ImageChange[], imageId?: string): ImageRecord => {
  const state = mergeAll(
    imageId === undefined ? changes : changes.filter((change) => change.imageId === imageId),
  );
  if (!state) throw new Error(`no change for ${imageId ?? 'any image'}`);
  return toImageRecord(state, RECEIVED_AT.toISOString());
};

/** Every record a set of changes produces, by image id. */
export const recordsOf = (changes: readonly ImageChange[]): ImageRecord[] =>
  [...new Set(changes.map((change) => change.imageId))].map((imageId) =>
    recordOf(changes, imageId),
  );
