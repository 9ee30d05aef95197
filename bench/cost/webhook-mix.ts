import type { IngestFunctionName } from '../../shared/http/routes';
import type { ScenarioName } from '../inputs/worker-scenarios';

/**
 * The webhook mix the cost model prices, as shares of all deliveries: 3.0 images per webhook.
 *
 * - Spyne (20 %): one POST per completed SKU, here 8 images each.
 * - SharinPix (40 %): one event per image and change: a new image, then processing and tag
 *   events on the same image.
 * - Cloudinary (10 %): one notification per asset and change: an upload, then a tag change.
 * - Image Intelligence (22.5 %): a completed 4-image job. The vendor posts a job's result once
 *   the whole job is complete, so its images are new to us; the IN_PROGRESS
 *   scenarios are measured too, but an IN_PROGRESS webhook is not a documented delivery.
 * - Repeat deliveries (7.5 %): vendor retries of events already applied (Image Intelligence
 *   retries up to five times on a slow answer), counted but not applied.
 */
export const WEBHOOK_MIX: ReadonlyArray<{
  readonly scenario: ScenarioName;
  readonly share: number;
}> = [
  { scenario: 'spyne-sku-8', share: 0.2 },
  { scenario: 'sharinpix-new-image', share: 0.2 },
  { scenario: 'sharinpix-image-processed', share: 0.1 },
  { scenario: 'sharinpix-new-tag', share: 0.1 },
  { scenario: 'cloudinary-upload', share: 0.05 },
  { scenario: 'cloudinary-tags', share: 0.05 },
  { scenario: 'ii-completed-4-new', share: 0.225 },
  { scenario: 'duplicate', share: 0.075 },
];

/** The ingest function that receives each kind of webhook of the mix. */
export const INGEST_FUNCTION_OF: Readonly<Record<ScenarioName, IngestFunctionName>> = {
  'spyne-sku-8': 'ingest-spyne',
  'spyne-sku-100': 'ingest-spyne',
  'sharinpix-new-image': 'ingest-sharinpix',
  'sharinpix-image-processed': 'ingest-sharinpix',
  'sharinpix-new-tag': 'ingest-sharinpix',
  duplicate: 'ingest-sharinpix',
  'ii-completed-4-new': 'ingest-image-intelligence',
  'ii-in-progress-4': 'ingest-image-intelligence',
  'ii-completed-4': 'ingest-image-intelligence',
  'cloudinary-upload': 'ingest-cloudinary',
  'cloudinary-tags': 'ingest-cloudinary',
};
