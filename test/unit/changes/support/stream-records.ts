import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { toStreamImage } from '../../../../shared/changes/stream-image';
import { applyChange, eventClock } from '../../../../shared/record/record-state';
import type { ImageChange } from '../../../../shared/record/image-change';
import {
  type RecordCause,
  type StoredRecord,
  toRecordItem,
} from '../../../../shared/store/record-item';

/** A stream record as Lambda delivers it (`NEW_AND_OLD_IMAGES`, binary values in base64). */
export const streamRecord = (
  sequenceNumber: string,
  newItem: Record<string, AttributeValue> | undefined,
  oldItem?: Record<string, AttributeValue>,
): DynamoDBRecord => ({
  eventID: `event-${sequenceNumber}`,
  eventName: newItem === undefined ? 'REMOVE' : oldItem === undefined ? 'INSERT' : 'MODIFY',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: sequenceNumber,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ...(newItem ? { NewImage: toStreamImage(newItem) } : {}),
    ...(oldItem ? { OldImage: toStreamImage(oldItem) } : {}),
  },
});

/** A Spyne-like image change at `time` from event `eventId`. */
export const imageChange = (
  imageId: string,
  time: string,
  eventId: string,
  patch: ImageChange['patch'],
): ImageChange => ({
  vendor: 'spyne',
  imageId,
  clock: eventClock(new Date(time), eventId),
  patch,
});

/** Applies a change to a stored record as the store would, returning the item written. */
export const written = (
  before: StoredRecord | undefined,
  change: ImageChange,
  cause: RecordCause,
  updatedAt = '2026-12-01T10:00:00.000Z',
): StoredRecord => ({
  state: applyChange(before?.state, change).state,
  rev: (before?.rev ?? 0) + 1,
  updatedAt,
  cause,
});

export const itemOf = (stored: StoredRecord) => toRecordItem(stored);
