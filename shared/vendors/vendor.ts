/**
 * The vendors this service accepts webhooks from, as the manifests declare them. The string is
 * the public name used in routes (`/webhooks/{vendor}`), in record keys and in
 * `GET /images/{vendor}/…`.
 */
export { isVendor, type Vendor, VENDORS } from './manifests';
