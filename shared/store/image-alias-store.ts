import type { AliasedImageChange } from '../record/image-change';
import type { Vendor } from '../vendors/vendor';

/**
 * The aliases of images: names a vendor gives an image besides its immutable id (a
 * public id, which a rename changes, beside `asset_id`, which it does not). Events that carry the
 * image id register its aliases; events that carry only an alias are resolved through them, and
 * held with the alias until an event registers it. The worker is the one caller.
 */
export interface ImageAliasStore {
  /** The image an alias names now, or `undefined` when no event has registered it. */
  resolve(vendor: Vendor, alias: string): Promise<string | undefined>;
  /**
   * Points the alias at `imageId` (a rename or an overwrite may move it) and hands back the
   * changes held for it, which the caller applies to that image and then releases.
   */
  link(vendor: Vendor, alias: string, imageId: string): Promise<readonly AliasedImageChange[]>;
  /** Forgets the held changes once applied. Idempotent. */
  release(vendor: Vendor, alias: string): Promise<void>;
  /**
   * Keeps a change for an alias no event has registered yet. If the alias was registered
   * meanwhile, nothing is held and the image it names is returned, for the caller to apply to.
   */
  hold(change: AliasedImageChange): Promise<{ readonly linkedTo?: string }>;
}
