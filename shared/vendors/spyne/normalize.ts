import { presentValues } from '../../json/json-value';
import type { EventClock } from '../../record/record-state';
import type { ImageChange, StatedStatus, ImageExpectation } from '../../record/image-change';
import { numberOrUndefined, toIsoTime, urlOrUndefined } from '../common-schemas';
import type { SpyneEvent } from './event';
import type { SpyneV1, SpyneV2, SpyneV2Image } from './schema';

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
