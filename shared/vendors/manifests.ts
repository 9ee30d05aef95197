import { cloudinaryManifest } from './cloudinary/manifest';
import { imageIntelligenceManifest } from './image-intelligence/manifest';
import { sharinpixManifest } from './sharinpix/manifest';
import { spyneManifest } from './spyne/manifest';
import type { VendorManifest } from './vendor-manifest';

/**
 * The vendors this service accepts webhooks from, one manifest each: adding a vendor is adding
 * its folder and one line here (and its definition in `registry.ts`). Light data only, so every
 * bundle and tool may import it; routes, the CDK stack, the local stack, replay and the fixture
 * generator all iterate this list.
 */
export const VENDOR_MANIFESTS = [
  spyneManifest,
  sharinpixManifest,
  imageIntelligenceManifest,
  cloudinaryManifest,
] as const;

type AnyManifest = (typeof VENDOR_MANIFESTS)[number];

/** A vendor's public name, as in routes (`/webhooks/{vendor}`), record keys and the read API. */
export type Vendor = AnyManifest['vendor'];

/** Every webhook secret variable name, of any vendor. */
export type SecretName = AnyManifest extends infer M
  ? M extends VendorManifest<string, infer S>
    ? S
    : never
  : never;

/** The vendors, in registry order. */
export const VENDORS: readonly Vendor[] = VENDOR_MANIFESTS.map((manifest) => manifest.vendor);

export const isVendor = (value: unknown): value is Vendor =>
  typeof value === 'string' && (VENDORS as readonly string[]).includes(value);

/** Any vendor's manifest, seen through the common type. */
export type AnyVendorManifest = VendorManifest<Vendor>;

const BY_VENDOR: ReadonlyMap<string, AnyVendorManifest> = new Map(
  VENDOR_MANIFESTS.map((manifest): [string, AnyVendorManifest] => [manifest.vendor, manifest]),
);

/** A vendor's manifest. */
export const manifestOf = (vendor: Vendor): AnyVendorManifest => {
  const manifest = BY_VENDOR.get(vendor);
  if (manifest === undefined) throw new Error(`no manifest for vendor ${vendor}`);
  return manifest;
};
