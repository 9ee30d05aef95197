import { contentDigestOf, presentValues } from '../../json/json-value';
import type { ImageChange, ImageExpectation, StatedStatus } from '../../record/image-change';
import type { Collection } from '../../record/image-record';
import type { EventClock } from '../../record/record-state';
import { eventTimeFrom, numberOrUndefined, toIsoTime, urlOrUndefined } from '../common-schemas';
import type { EventIdentity } from '../vendor-definition';
import type { SpyneEvent } from './event';
import type { SpyneV1, SpyneV2, SpyneV2Image } from './schema';

/**
 * What a validated Spyne event means: its `eventId` and event time (`identifySpyneEvent`), the
 * record changes it implies (`normalizeSpyneEvent`, `imagesExpectedBySpyneEvent`) and the SKU it
 * completes (`collectionCompletedBySpyneEvent`). They belong together because each is a pure
 * reading of the same event: a field added to the schema is weighed for all of them in one place.
 */

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

/** `done`/`Done` → done, `failed` → failed, anything else (`Yet to Start`, absent) → processing. */
export const spyneStatus = (status: string | null | undefined): StatedStatus => {
  const folded = status?.trim().toLowerCase();
  if (folded === 'done') return 'done';
  if (folded === 'failed') return 'failed';
  return 'processing';
};

const lowerOrUndefined = (value: string | null | undefined): string | undefined =>
  value ? value.toLowerCase() : undefined;

/** The fields both versions map alike: the SKU as collection, name, category and sequence. */
const skuImageCore = (
  sku: { project_id: string; sku_id: string },
  image: { image_name?: string | null; image_category?: string | null },
  sequence: number | string | null | undefined,
) => ({
  collection: { kind: 'sku' as const, id: sku.sku_id, parentId: sku.project_id },
  name: image.image_name ?? undefined,
  category: lowerOrUndefined(image.image_category),
  sequence: numberOrUndefined(sequence),
});

const v2Change = (sku: SpyneV2, image: SpyneV2Image, clock: EventClock): ImageChange => {
  const status = spyneStatus(image.status);
  return {
    vendor: 'spyne',
    imageId: image.image_id,
    clock,
    patch: {
      core: {
        ...skuImageCore(sku, image, image.frame_no),
        status,
        error: status === 'failed' ? (image.reject_reason ?? 'failed') : null,
      },
      urls: {
        input: urlOrUndefined(image.input_image),
        output: urlOrUndefined(image.output_image),
        outputLowRes: urlOrUndefined(image.lowres_output),
      },
      vendorMeta: presentValues({
        background_id: image.background_id,
        image_meta_data: image.image_meta_data,
        angle: image.angle,
        reject_reason: image.reject_reason,
        sku_status: sku.sku_status,
        sku_meta_data: sku.sku_meta_data,
        sku_name: sku.sku_name,
        total_frame_count: sku.total_frame_count,
        VIN: sku.VIN,
        team_name: sku.team_name,
        source: sku.source,
      }),
    },
  };
};

const v1Changes = (sku: SpyneV1, clock: EventClock): ImageChange[] =>
  sku.image_data.map((image) => ({
    vendor: 'spyne',
    imageId: image.image_id,
    clock,
    patch: {
      core: {
        ...skuImageCore(sku, image, image.sequenceNumber),
        status: 'done',
        createdAt: image.created_on ? toIsoTime(image.created_on) : undefined,
      },
      urls: {
        input: urlOrUndefined(image.input_image_hres_url),
        inputLowRes: urlOrUndefined(image.input_image_lres_url),
        output: urlOrUndefined(image.output_image_hres_url),
        outputLowRes: urlOrUndefined(image.output_image_lres_url),
        outputWatermarked: urlOrUndefined(image.output_image_lres_wm_url),
      },
      vendorMeta: presentValues({ source: image.source }),
    },
  }));

/** One change per image of the SKU (record mapping: Spyne v2 and v1). */
export const normalizeSpyneEvent = (event: SpyneEvent, clock: EventClock): ImageChange[] =>
  event.eventType === 'sku.v2'
    ? event.payload.image_data.map((image) => v2Change(event.payload, image, clock))
    : v1Changes(event.payload, clock);

/**
 * Spyne posts once per SKU, when it completes: normally the first word about its images (a re-edit
 * of a completed SKU is the exception, and costs one refused create per image).
 */
export const imagesExpectedBySpyneEvent = (): ImageExpectation => 'new';

/**
 * The SKU a Spyne event completes, if it does. Spyne posts when a SKU is finished: a v2 event says
 * so in `sku_status` (`done` in any case), and the deprecated v1 webhook was only ever sent for a
 * finished SKU, so every v1 event completes its SKU.
 */
export const collectionCompletedBySpyneEvent = (event: SpyneEvent): Collection | undefined => {
  const done =
    event.eventType === 'sku.v1' || event.payload.sku_status?.trim().toLowerCase() === 'done';
  const { sku_id: id, project_id: parentId } = event.payload;
  return done ? { kind: 'sku', id, parentId } : undefined;
};
