import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { toHttpApiEvent } from '../../local/gateway/http-api-event';
import {
  type BodyFile,
  type Delivery,
  deliveriesOf,
  envelopeOf,
} from '../../scripts/fixtures/build-fixtures';
import type { EventEnvelope } from '../../shared/queue/event-queue';

/**
 * Realistic vendor bodies with fresh ids, shaped like the samples in `events/bodies/` (and
 * the vendor docs), so every benchmark delivery is a new event for a new or a chosen image. Delivery
 * (signing, headers, tokens with the dev secrets) is the fixture generator's own `deliveriesOf`.
 */

/**
 * Receipt times of benchmark deliveries: from an hour ago, 100 ms apart, so clocks differ and a
 * signed Spyne token's `iat` is never in the future.
 */
const BASE_EPOCH = Date.now() - 3_600_000;
let sequence = 0;
const nextEpoch = (): number => BASE_EPOCH + (sequence += 1) * 100;

/** A SharinPix album shared by the generated images (a realistic collection of many). */
export const BENCH_ALBUM_ID = '0WOB0000000BenchAA';

const sharinpixImage = (imageId: string, albumId: string, processed: boolean) => ({
  id: imageId,
  public_id: imageId,
  metadatas: {},
  width: 3786,
  height: 4733,
  rotation: 0,
  gps: [-20.30993611111111, 57.486961111111114],
  size: 1526906,
  format: 'jpg',
  original_url: `https://cdn.sharinpix.com/albums/${albumId}/images/${imageId}/original.jpg`,
  filename: 'NorthBuilding',
  created_at: '2026-11-12T08:18:57.549+02:00',
  taken_at: '2026-11-12T08:18:40.000+02:00',
  infos: { format: 'jpg' },
  page: 1,
  group_id: null,
  exifs: { DateTimeOriginal: '2026-11-12T06:18:40.000Z' },
  processed,
  processing_error: null,
  album_id: albumId,
  thumbnails: {
    full: `https://cdn.sharinpix.com/albums/${albumId}/images/${imageId}/full.jpg`,
    large: `https://cdn.sharinpix.com/albums/${albumId}/images/${imageId}/large.jpg`,
    mini: `https://cdn.sharinpix.com/albums/${albumId}/images/${imageId}/mini.jpg`,
  },
});

/** SharinPix `new_image` (or `image_processed`) for one image. */
export const sharinpixImageEvent = (
  eventName: 'new_image' | 'image_processed',
  imageId: string = randomUUID(),
  albumId: string = BENCH_ALBUM_ID,
): BodyFile => ({
  vendor: 'sharinpix',
  name: eventName,
  body: sharinpixImage(imageId, albumId, eventName === 'image_processed'),
  timeEpoch: nextEpoch(),
});

/** SharinPix `new_tag_image`: a tag added to an existing image. */
export const sharinpixTagEvent = (imageId: string, albumId: string = BENCH_ALBUM_ID): BodyFile => ({
  vendor: 'sharinpix',
  name: 'new_tag_image',
  body: {
    id: randomUUID(),
    tag: { id: randomUUID(), name: 'Villa', label: '{"en":"Villa","fr":"Villa"}' },
    image: sharinpixImage(imageId, albumId, true),
    user: {
      public_id: randomUUID(),
      fullname: 'Jane Example',
      email: 'jane.example@example.com',
      username: 'jane.example@example.com.acme',
      sfid: '005B0000009XyZqIAK',
    },
  },
  timeEpoch: nextEpoch(),
});

/** A Spyne v2 SKU completion with `images` images (signed by `deliveriesOf`). */
export const spyneSkuEvent = (
  images: number,
  skuId: string = randomUUID().slice(0, 8),
): BodyFile => ({
  vendor: 'spyne',
  name: 'v2',
  body: {
    project_id: '88db42a7',
    sku_id: skuId,
    sku_status: 'Done',
    sku_meta_data: {},
    image_data: Array.from({ length: images }, (_, index) => {
      const frame = index + 1;
      const name = `3636_${skuId}_Exterior_${frame}`;
      return {
        image_id: `img-${randomUUID()}`,
        image_name: name,
        image_category: frame % 3 === 0 ? 'Interior' : 'Exterior',
        frame_no: String(frame),
        input_image: `https://spyne.s3.amazonaws.com/AI/raw/${name}.jpg`,
        output_image: `https://spyne.s3.amazonaws.com/AI/app/edited/car_replace_bg__${randomUUID()}.png`,
        lowres_output: `https://spyne.s3.amazonaws.com/AI/raw/${randomUUID()}.jpg`,
        background_id: 3434,
        status: 'done',
        image_meta_data: {},
      };
    }),
  },
  timeEpoch: nextEpoch(),
});

/** An Image Intelligence `/detect` job at one lifecycle stage, over the given image ids. */
export const imageIntelligenceJobEvent = (
  status: 'IN_PROGRESS' | 'COMPLETED_SUCCESSFULLY',
  jobId: string,
  imageIds: readonly string[],
): BodyFile => {
  const done = status === 'COMPLETED_SUCCESSFULLY';
  const imageOf = (id: string, index: number) => ({
    id,
    url: `https://cameras.example.com/lot-north/cam-03/2026-11-20T08-${10 + index}-01Z.jpg`,
    proxyUrl: `https://api.quickpix.io/images/${id}`,
    customId: `lot-north-cam03-08${10 + index}`,
  });
  return {
    vendor: 'image-intelligence',
    name: `detect--${status.toLowerCase()}`,
    body: {
      id: jobId,
      jobResults: done
        ? imageIds.map((id, index) => ({
            class: 'car',
            image: { ...imageOf(id, index), confidence: 0.9987652302 },
            hitl: false,
          }))
        : [],
      imageResults: imageIds.map((id, index) => ({
        ...imageOf(id, index),
        status,
        ...(done ? { objects: [{ class: 'car', confidence: 0.9987652302, verdict: true }] } : {}),
      })),
      createdAt: Date.UTC(2026, 10, 20, 8, 15, 1),
      status,
      customId: `lot-north-${jobId.slice(0, 8)}`,
      feedId: 'lot-north-cam-03',
    },
    timeEpoch: nextEpoch(),
  };
};

/** A Cloudinary `upload` notification for one image (a new asset in a catalog folder). */
export const cloudinaryUploadEvent = (assetId: string = freshHex()): BodyFile => {
  const version = Math.floor(nextEpoch() / 1000);
  return {
    vendor: 'cloudinary',
    name: 'upload',
    body: {
      notification_type: 'upload',
      timestamp: new Date(version * 1000 + 2000).toISOString(),
      request_id: freshHex(),
      asset_id: assetId,
      public_id: `catalog/${assetId.slice(0, 12)}`,
      version,
      version_id: freshHex(),
      width: 2400,
      height: 1600,
      format: 'jpg',
      resource_type: 'image',
      created_at: new Date(version * 1000).toISOString(),
      tags: ['catalog', 'shoes'],
      bytes: 812334,
      type: 'upload',
      etag: freshHex(),
      placeholder: false,
      url: `http://res.cloudinary.com/demo/image/upload/v${version}/catalog/${assetId}.jpg`,
      secure_url: `https://res.cloudinary.com/demo/image/upload/v${version}/catalog/${assetId}.jpg`,
      asset_folder: 'catalog/shoes',
      display_name: assetId.slice(0, 12),
      original_filename: 'IMG_20261014_0912',
      context: { custom: { sku: '48213', alt: 'Trail runner, front view' } },
      api_key: '614285930017442',
      notification_context: {
        triggered_at: new Date(version * 1000 + 1000).toISOString(),
        triggered_by: { source: 'api', id: '614285930017442' },
      },
    },
    timeEpoch: nextEpoch(),
  };
};

/**
 * A Spyne SKU whose signed JSON delivery is exactly `targetBytes` long (from about 700 bytes up):
 * as many images as fit, the way a real body grows, so it compresses as real ones do, and the
 * last few hundred bytes a note in `sku_meta_data`.
 */
export const spyneSkuOfBytes = (targetBytes: number): BodyFile => {
  const sizeOf = (file: BodyFile): number => Buffer.byteLength(jsonDeliveryOf(file).body);
  const withNote = (file: BodyFile, note: string): BodyFile => ({
    ...file,
    body: { ...file.body, sku_meta_data: { note } },
  });
  const one = sizeOf(withNote(spyneSkuEvent(1), ''));
  const perImage = sizeOf(withNote(spyneSkuEvent(2), '')) - one;
  let images = Math.max(1, Math.floor((targetBytes - one) / perImage) + 1);
  let file = withNote(spyneSkuEvent(images), '');
  // Ids are random, so a body can come out a few bytes over: drop images until it fits.
  while (images > 1 && sizeOf(file) > targetBytes) {
    images -= 1;
    file = withNote(spyneSkuEvent(images), '');
  }
  const padded = withNote(file, 'n'.repeat(Math.max(0, targetBytes - sizeOf(file))));
  return padded;
};

/** A Cloudinary `resource_tags_changed` notification: tags added to and removed from one image. */
export const cloudinaryTagsEvent = (assetId: string): BodyFile => ({
  vendor: 'cloudinary',
  name: 'resource_tags_changed',
  body: {
    notification_type: 'resource_tags_changed',
    source: 'ui',
    resources: [
      {
        asset_id: assetId,
        public_id: `catalog/${assetId.slice(0, 12)}`,
        resource_type: 'image',
        type: 'upload',
        added: ['hero', 'autumn-2026'],
        removed: ['shoes'],
      },
    ],
    notification_context: {
      triggered_at: new Date(nextEpoch()).toISOString(),
      triggered_by: { source: 'ui', id: 'f3a91c07d2e84b6b9c15' },
    },
    signature_key: '614285930017442',
  },
  timeEpoch: nextEpoch(),
});

/** 32 hex characters, the shape of Cloudinary's asset ids, request ids and etags. */
export const freshHex = (): string => randomUUID().replaceAll('-', '');

/** The JSON delivery of a body, exactly as the vendor makes it with the dev secrets. */
export const jsonDeliveryOf = (file: BodyFile): Delivery => {
  const delivery = deliveriesOf(file).find((candidate) => candidate.variant === 'json');
  if (delivery === undefined) throw new Error(`${file.vendor} has no JSON delivery`);
  return delivery;
};

/** The API Gateway (HTTP API, payload 2.0) event of a body's JSON delivery. */
export const httpEventOf = (file: BodyFile, requestId: string): APIGatewayProxyEventV2 => {
  const delivery = jsonDeliveryOf(file);
  return toHttpApiEvent({
    method: 'POST',
    rawPath: delivery.path,
    rawQueryString: delivery.rawQueryString,
    headers: { host: 'webhooks.example.com', ...delivery.headers },
    body: Buffer.from(delivery.body, 'utf8'),
    requestId,
    timeEpoch: file.timeEpoch,
    sourceIp: '203.0.113.10',
  });
};

/** The envelope ingest queues for a body, through the vendor definition (throws if invalid). */
export const envelopeFor = (file: BodyFile, requestId: string = randomUUID()): EventEnvelope => {
  const envelope = envelopeOf(file, jsonDeliveryOf(file), requestId);
  if (envelope === undefined)
    throw new Error(`benchmark body ${file.vendor}/${file.name} is invalid`);
  return envelope;
};

/** The image ids an Image Intelligence job body names, for follow-up events. */
export const freshIds = (count: number): string[] =>
  Array.from({ length: count }, () => randomUUID());
