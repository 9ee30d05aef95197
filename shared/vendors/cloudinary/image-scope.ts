/**
 * Cloudinary notifies about images, videos and raw files on the same triggers, and bulk
 * notifications mix them. Records are for images only; an asset without a `resource_type` (the
 * captured moderation sample has none) is taken for one.
 */
export const isImage = (asset: { readonly resource_type?: string | null }): boolean =>
  asset.resource_type == null || asset.resource_type === 'image';
