import type { EventEnvelope } from '../../shared/queue/event-queue';
import {
  cloudinaryTagsEvent,
  cloudinaryUploadEvent,
  envelopeFor,
  freshHex,
  freshIds,
  imageIntelligenceJobEvent,
  sharinpixImageEvent,
  sharinpixTagEvent,
  spyneSkuEvent,
} from './bench-bodies';

/**
 * The kinds of webhook the benchmark prices: each names the event whose cost is measured and the
 * events that must have been applied before it (an update needs its image to exist, a duplicate
 * its original).
 */
export const SCENARIO_NAMES = [
  'spyne-sku-8',
  'sharinpix-new-image',
  'sharinpix-image-processed',
  'sharinpix-new-tag',
  'ii-completed-4-new',
  'ii-in-progress-4',
  'ii-completed-4',
  'cloudinary-upload',
  'cloudinary-tags',
  'duplicate',
  'spyne-sku-100',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One measured event and what has to happen before it. */
export interface Scenario {
  readonly name: ScenarioName;
  readonly label: string;
  readonly kind: 'new' | 'update' | 'duplicate';
  /** Images the measured event writes (0 for a duplicate). */
  readonly images: number;
  readonly prepare: readonly EventEnvelope[];
  readonly measured: EventEnvelope;
}

/** Builds a scenario with fresh ids, so it never collides with an earlier one in the same tables. */
export const buildScenario = (name: ScenarioName): Scenario => {
  switch (name) {
    case 'spyne-sku-8':
      return {
        name,
        label: 'spyne SKU completed, 8 new images',
        kind: 'new',
        images: 8,
        prepare: [],
        measured: envelopeFor(spyneSkuEvent(8)),
      };
    case 'spyne-sku-100':
      return {
        name,
        label: 'spyne SKU completed, 100 new images',
        kind: 'new',
        images: 100,
        prepare: [],
        measured: envelopeFor(spyneSkuEvent(100)),
      };
    case 'sharinpix-new-image':
      return {
        name,
        label: 'sharinpix new_image (new image)',
        kind: 'new',
        images: 1,
        prepare: [],
        measured: envelopeFor(sharinpixImageEvent('new_image')),
      };
    case 'sharinpix-image-processed': {
      const [imageId = ''] = freshIds(1);
      return {
        name,
        label: 'sharinpix image_processed (existing image)',
        kind: 'update',
        images: 1,
        prepare: [envelopeFor(sharinpixImageEvent('new_image', imageId))],
        measured: envelopeFor(sharinpixImageEvent('image_processed', imageId)),
      };
    }
    case 'sharinpix-new-tag': {
      const [imageId = ''] = freshIds(1);
      return {
        name,
        label: 'sharinpix new_tag_image (existing image)',
        kind: 'update',
        images: 1,
        prepare: [envelopeFor(sharinpixImageEvent('new_image', imageId))],
        measured: envelopeFor(sharinpixTagEvent(imageId)),
      };
    }
    case 'ii-completed-4-new': {
      const [jobId = ''] = freshIds(1);
      return {
        name,
        label: 'image-intelligence job COMPLETED, 4 new images',
        kind: 'new',
        images: 4,
        prepare: [],
        measured: envelopeFor(
          imageIntelligenceJobEvent('COMPLETED_SUCCESSFULLY', jobId, freshIds(4)),
        ),
      };
    }
    case 'ii-in-progress-4': {
      const [jobId = ''] = freshIds(1);
      return {
        name,
        label: 'image-intelligence job IN_PROGRESS, 4 new images',
        kind: 'new',
        images: 4,
        prepare: [],
        measured: envelopeFor(imageIntelligenceJobEvent('IN_PROGRESS', jobId, freshIds(4))),
      };
    }
    case 'ii-completed-4': {
      const [jobId = ''] = freshIds(1);
      const images = freshIds(4);
      return {
        name,
        label: 'image-intelligence job COMPLETED after IN_PROGRESS, 4 existing images',
        kind: 'update',
        images: 4,
        prepare: [envelopeFor(imageIntelligenceJobEvent('IN_PROGRESS', jobId, images))],
        measured: envelopeFor(imageIntelligenceJobEvent('COMPLETED_SUCCESSFULLY', jobId, images)),
      };
    }
    case 'cloudinary-upload':
      return {
        name,
        label: 'cloudinary upload (new image)',
        kind: 'new',
        images: 1,
        prepare: [],
        measured: envelopeFor(cloudinaryUploadEvent()),
      };
    case 'cloudinary-tags': {
      const assetId = freshHex();
      return {
        name,
        label: 'cloudinary resource_tags_changed (existing image)',
        kind: 'update',
        images: 1,
        prepare: [envelopeFor(cloudinaryUploadEvent(assetId))],
        measured: envelopeFor(cloudinaryTagsEvent(assetId)),
      };
    }
    case 'duplicate': {
      const original = envelopeFor(sharinpixImageEvent('new_image'));
      return {
        name,
        label: 'repeat delivery of an applied event',
        kind: 'duplicate',
        images: 0,
        prepare: [original],
        measured: original,
      };
    }
  }
};
