import { contentDigestOf } from '../../json/json-value';
import { validate } from '../../validation/validation-issue';
import { IdSchema } from '../common-schemas';
import { eventTimeFrom } from '../event-time';
import type { EventIdentity } from '../vendor-definition';
import type { SharinpixEvent } from './event';
import { imageIdOf } from './schema';

/** The subject of an unsupported event that has no usable top-level `id`. */
const UNKNOWN_SUBJECT = 'event';

/**
 * `sharinpix:<eventType>:<subject>:<digest>`, where the digest is `contentDigest` of the
 * validated payload and the subject is:
 *
 * | event type                        | subject                                   |
 * |-----------------------------------|-------------------------------------------|
 * | new_image, image_processed, delete_image | the image: `public_id`, else `id`  |
 * | new_tag_image, delete_tag_image   | the tag–image link: top-level `id`        |
 * | upload_done                       | `album_id`                                |
 * | new_einstein_prediction           | `image_id`                                |
 * | any unsupported type              | top-level `id` if it is an id, else `event` |
 *
 * SharinPix sends no delivery or event id, and one image goes through the same event type more
 * than once (re-processed, tagged again), so the ids are completed by the digest. The validated
 * payload holds no `user` and no `app_url`, so a retry (same body, later receipt) keeps its id,
 * while a tag added, removed and added again are three ids: a new link id, a different type or a
 * changed image snapshot each change the id.
 *
 * Event time: new_image dates its change with the image's `created_at`, which also keeps a
 * late-delivered new_image from overriding a later image_processed. No other payload carries a
 * time of change, so those use the receipt time.
 */
export const identifySharinpixEvent = (event: SharinpixEvent, receivedAt: Date): EventIdentity => {
  const { digest, canonical } = contentDigestOf(event.payload);
  return {
    eventType: event.eventType,
    eventId: `sharinpix:${event.eventType}:${subjectOf(event)}:${digest}`,
    eventTime: eventTimeOf(event, receivedAt),
    supported: event.unsupported !== true,
    canonicalPayload: canonical,
  };
};

const subjectOf = (event: SharinpixEvent): string => {
  if (event.unsupported) {
    const id = validate(IdSchema, event.payload.id);
    return id.ok ? id.value : UNKNOWN_SUBJECT;
  }
  switch (event.eventType) {
    case 'new_image':
    case 'image_processed':
    case 'delete_image':
      return imageIdOf(event.payload);
    case 'new_tag_image':
    case 'delete_tag_image':
      return event.payload.id;
    case 'upload_done':
      return event.payload.album_id;
    case 'new_einstein_prediction':
      return event.payload.image_id;
  }
};

const eventTimeOf = (event: SharinpixEvent, receivedAt: Date): Date =>
  !event.unsupported && event.eventType === 'new_image'
    ? eventTimeFrom(event.payload.created_at ?? undefined, receivedAt)
    : receivedAt;
