import { eventClock, toImageRecord } from '../../../../shared/record/record-state';
import type { AliasedImageChange, ImageChange } from '../../../../shared/record/image-change';
import type { ImageRecord } from '../../../../shared/record/image-record';
import { mergeAll } from '../../../support/merge-all';
import type { EventIdentity } from '../../../../shared/vendors/vendor-definition';
import { cloudinary } from '../../../../shared/vendors/cloudinary/definition';
import type { CloudinaryEvent } from '../../../../shared/vendors/cloudinary/event';
import type { ValidationIssue } from '../../../../shared/validation/validation-issue';
import { loadBody } from '../../../support/vendor-bodies';

/** Helpers shared by the Cloudinary unit tests: read, identify, normalize and assemble records. */

/** The gateway receipt time of every delivery unless a test says otherwise. */
export const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A plain body from `events/bodies/cloudinary/`, as a mutable copy. */
export const body = (name: string): Record<string, unknown> => {
  const parsed = loadBody('cloudinary', name);
  if (!isRecord(parsed)) throw new Error(`body ${name} is not an object`);
  return parsed;
};

/** Reads a delivery, failing the test on any issue. */
export const readOk = (payload: unknown): CloudinaryEvent => {
  const result = cloudinary.read({ payload });
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues)}`);
  return result.value;
};

/** Reads a delivery that must fail, returning its issues. */
export const readIssues = (payload: unknown): ValidationIssue[] => {
  const result = cloudinary.read({ payload });
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return [...result.issues];
};

/** The identity of one delivery. */
export const identityOf = (payload: unknown, receivedAt: Date = RECEIVED_AT): EventIdentity =>
  cloudinary.identify(readOk(payload), receivedAt);

/** The changes one delivery makes, by image id and by alias, as the worker computes them. */
export const changesOf = (
  payload: unknown,
  receivedAt: Date = RECEIVED_AT,
): { byId: readonly ImageChange[]; byAlias: readonly AliasedImageChange[] } => {
  const event = readOk(payload);
  const identity = cloudinary.identify(event, receivedAt);
  const clock = eventClock(identity.eventTime, identity.eventId);
  return {
    byId: cloudinary.normalize(event, clock),
    byAlias: cloudinary.aliasChanges?.(event, clock) ?? [],
  };
};

/** The record of one image after the given changes, in any order. */
export const recordOf = (changes: readonly ImageChange[], imageId: string): ImageRecord => {
  const state = mergeAll(changes.filter((change) => change.imageId === imageId));
  if (!state) throw new Error(`no change for ${imageId}`);
  return toImageRecord(state, RECEIVED_AT.toISOString());
};

/** An alias change applied to the image its alias names, as the worker does once resolved. */
export const resolved = (change: AliasedImageChange, imageId: string): ImageChange => ({
  vendor: change.vendor,
  imageId,
  clock: change.clock,
  patch: change.patch,
});
