import type { DynamoDBRecord } from 'aws-lambda';
import { isAnnounced, toImageRecord } from '../record/record-state';
import {
  type CollectionCompletion,
  fromCompletionItem,
  fromRecordItem,
  isCompletionKey,
  type StoredRecord,
} from '../store/record-item';
import { isAliasKey } from '../store/alias-item';
import { ImageRecordSchema } from '../record/image-record';
import { validate, type ValidationIssue } from '../validation/validation-issue';
import { type ImageRecordChangedDetail } from './change-event';
import { recordChangeId } from './change-id';
import { changedPaths } from './changed-paths';
import { fromStreamImage } from './stream-image';

/**
 * What one stream record of the records table means for consumers:
 * - `image`: a committed record change, ready to publish;
 * - `completion`: a recorded collection completion, to be counted and then published;
 * - `none`: nothing to say (a removal, such as a completion item's TTL expiry, or a write whose
 *   record differs only in `updatedAt`);
 * - `unreadable`: an item this code did not write. It is reported, not retried: no retry makes it
 *   readable, and holding the shard on it would stop every later change.
 */
export type StreamChange =
  | { readonly kind: 'image'; readonly detail: ImageRecordChangedDetail }
  | { readonly kind: 'completion'; readonly completion: CollectionCompletion }
  | { readonly kind: 'none' }
  | { readonly kind: 'unreadable'; readonly issues: readonly ValidationIssue[] };

const NONE: StreamChange = { kind: 'none' };

/** The event type a record's writes carried before causes were kept on items. */
const UNKNOWN_CAUSE_TYPE = 'unknown';

/** The event behind the last write: kept on the item, else the id in the newest field clock. */
const causeOf = (stored: StoredRecord): ImageRecordChangedDetail['cause'] => {
  if (stored.cause) return stored.cause;
  const latest = Object.values(stored.state.fields).reduce(
    (clock, entry) => (entry.clock > clock ? entry.clock : clock),
    '',
  );
  return { eventId: latest.slice(latest.indexOf('|') + 1), eventType: UNKNOWN_CAUSE_TYPE };
};

/**
 * Reads one stream record (`NEW_AND_OLD_IMAGES`). Pure: the change's `changed` paths come from the
 * records before and after the write, its id from the record's key and new revision, so the same
 * stream record always yields the same event.
 */
export const streamChangeOf = (record: DynamoDBRecord): StreamChange => {
  const newImage = record.dynamodb?.NewImage;
  if (record.eventName === 'REMOVE' || newImage === undefined) return NONE;
  const item = fromStreamImage(newImage);
  const pk = item.pk?.S ?? '';
  // An image alias (a public id) is bookkeeping, not a record: nothing to publish.
  if (isAliasKey(pk)) return NONE;
  if (isCompletionKey(pk)) {
    if (record.eventName !== 'INSERT') return NONE;
    const completion = fromCompletionItem(item);
    return completion.ok
      ? { kind: 'completion', completion: completion.value }
      : { kind: 'unreadable', issues: completion.issues };
  }
  const after = fromRecordItem(item);
  if (!after.ok) return { kind: 'unreadable', issues: after.issues };
  const oldImage = record.dynamodb?.OldImage;
  const before = oldImage === undefined ? undefined : fromRecordItem(fromStreamImage(oldImage));
  if (before !== undefined && !before.ok) return { kind: 'unreadable', issues: before.issues };
  const stored = after.value;
  // A record no event has announced is not served, so there is nothing to tell consumers yet.
  if (!isAnnounced(stored.state)) return NONE;
  // Checked as the read API checks a record before serving it, so `record` is what GET returns.
  const checked = validate(ImageRecordSchema, toImageRecord(stored.state, stored.updatedAt));
  if (!checked.ok) return { kind: 'unreadable', issues: checked.issues };
  const recordAfter = checked.value;
  // Before its announcement the record was not served: every path of the first served one changed.
  const recordBefore =
    before && isAnnounced(before.value.state)
      ? toImageRecord(before.value.state, before.value.updatedAt)
      : undefined;
  const changed = changedPaths(recordBefore, recordAfter);
  if (changed.length === 0) return NONE;
  const { vendor, imageId } = stored.state;
  return {
    kind: 'image',
    detail: {
      changeId: recordChangeId(vendor, imageId, stored.rev),
      vendor,
      imageId,
      ...(recordAfter.collection ? { collection: recordAfter.collection } : {}),
      changed,
      record: recordAfter,
      cause: causeOf(stored),
      revision: stored.rev,
    },
  };
};
