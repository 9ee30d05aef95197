import { rawBodyDigestHeaders } from '../../auth/scheme-signer';
import { cloudinaryAuth } from './manifest';

/** The headers Cloudinary would send with `body` signed at `at` with `secret` (SHA-1). */
export const cloudinarySignatureHeaders = (
  body: Buffer | string,
  at: Date,
  secret: string,
): Record<'x-cld-signature' | 'x-cld-timestamp', string> =>
  rawBodyDigestHeaders(cloudinaryAuth, body, at, secret);
