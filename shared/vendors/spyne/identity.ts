import { contentDigestOf } from '../../json/json-value';
import { eventTimeFrom } from '../event-time';
import type { EventIdentity } from '../vendor-definition';
import type { SpyneEvent } from './event';

/**
 * `spyne:<project_id>:<sku_id>:<digest>`. Spyne has no event id, and one SKU can complete more
 * than once (re-edits), so the ids are completed by a digest of the validated payload. The
 * payload excludes `signature`, which Spyne re-signs on every delivery, so retries keep their id.
 *
 * Event time: v1 dates its images (`created_on`, when the output was created), so the latest of
 * them is used; v2 carries no time of change (the JWT's `iat` is signing time), so it is the
 * receipt time.
 */
export const identifySpyneEvent = (event: SpyneEvent, receivedAt: Date): EventIdentity => {
  const { project_id, sku_id } = event.payload;
  const { digest, canonical } = contentDigestOf(event.payload);
  return {
    eventType: event.eventType,
    eventId: `spyne:${project_id}:${sku_id}:${digest}`,
    eventTime: eventTimeFrom(latestCreatedOn(event), receivedAt),
    supported: true,
    canonicalPayload: canonical,
  };
};

const latestCreatedOn = (event: SpyneEvent): string | undefined => {
  if (event.eventType !== 'sku.v1') return undefined;
  let latest: number | undefined;
  for (const image of event.payload.image_data) {
    const millis = image.created_on ? Date.parse(image.created_on) : Number.NaN;
    if (!Number.isNaN(millis) && (latest === undefined || millis > latest)) latest = millis;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
};
