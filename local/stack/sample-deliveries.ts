/**
 * Small, valid deliveries for the curl lines the stack prints at start: one per vendor, short
 * enough to paste, realistic enough to produce records. A unit test runs each through its vendor
 * definition, so a schema change that breaks one fails the build instead of a newcomer's first
 * curl.
 */

/** A Spyne v2 SKU with one image; the start banner adds a freshly signed `signature`. */
export const SAMPLE_SPYNE_BODY = {
  project_id: 'demo-project',
  sku_id: 'demo-sku-001',
  sku_status: 'Done',
  image_data: [
    {
      image_id: 'demo-spyne-image-1',
      image_name: 'demo-sku-001_Exterior_1',
      image_category: 'Exterior',
      frame_no: '1',
      input_image: 'https://media.example.com/raw/demo-sku-001_Exterior_1.jpg',
      output_image: 'https://media.example.com/edited/demo-sku-001_Exterior_1.png',
      status: 'done',
    },
  ],
} as const;

/** A SharinPix `new_image` (sent with header `X-Sharinpix-Event: new_image`). */
export const SAMPLE_SHARINPIX_EVENT = 'new_image';
/** The image of that `new_image` event. */
export const SAMPLE_SHARINPIX_BODY = {
  id: '7d1f4c2e-5b7a-4c1e-9a3b-2f6e8d0c1a11',
  public_id: '7d1f4c2e-5b7a-4c1e-9a3b-2f6e8d0c1a11',
  album_id: 'demo-album',
  filename: 'front-left.jpg',
  width: 1600,
  height: 1200,
  format: 'jpg',
  original_url: 'https://media.example.com/albums/demo-album/front-left.jpg',
  processed: true,
  created_at: '2026-11-01T09:30:00Z',
} as const;

/** An Image Intelligence `/detect` job result with one image and one detection. */
export const SAMPLE_IMAGE_INTELLIGENCE_BODY = {
  id: 'demo-job-001',
  createdAt: 1_793_500_000_000,
  status: 'COMPLETED_SUCCESSFULLY',
  jobResults: [{ class: 'car', hitl: false }],
  imageResults: [
    {
      id: 'demo-ii-image-1',
      url: 'https://media.example.com/jobs/demo-job-001/image-1.jpg',
      status: 'COMPLETED_SUCCESSFULLY',
      objects: [{ class: 'car', confidence: 0.97, verdict: true }],
    },
  ],
} as const;
