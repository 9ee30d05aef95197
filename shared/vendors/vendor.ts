/**
 * The vendors this service accepts webhooks from. The string is the public name used in
 * routes (`/webhooks/{vendor}`), in record keys and in `GET /images/{vendor}/…`.
 */
export const VENDORS = ['spyne', 'sharinpix', 'image-intelligence', 'cloudinary'] as const;

export type Vendor = (typeof VENDORS)[number];

export const isVendor = (value: unknown): value is Vendor =>
  typeof value === 'string' && (VENDORS as readonly string[]).includes(value);
