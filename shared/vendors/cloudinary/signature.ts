import {
  DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
  type RawBodyDigestScheme,
  signRawBody,
} from '../../auth/raw-body-digest-authenticator';

/**
 * Cloudinary's notification signature (Cloudinary's notification-signature page and SDKs):
 * `X-Cld-Signature` is the lower-case hex SHA-1 (default) or SHA-256 of the raw body, then
 * `X-Cld-Timestamp`, then the API secret: a plain hash, not an HMAC. The window is configured per
 * deployment (`SIGNATURE_MAX_AGE_SECONDS`).
 */
export const cloudinarySignatureScheme = (maxAgeSeconds: number): RawBodyDigestScheme => ({
  signatureHeader: 'x-cld-signature',
  timestampHeader: 'x-cld-timestamp',
  algorithms: ['sha1', 'sha256'],
  mode: 'suffix',
  maxAgeSeconds,
  maxFutureSeconds: DEFAULT_SIGNATURE_MAX_FUTURE_SECONDS,
});

/** The headers Cloudinary would send with `body` signed at `at` with `secret` (SHA-1). */
export const cloudinarySignatureHeaders = (
  body: Buffer | string,
  at: Date,
  secret: string,
): Record<'x-cld-signature' | 'x-cld-timestamp', string> => {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    'x-cld-timestamp': timestamp,
    'x-cld-signature': signRawBody('suffix', 'sha1', body, timestamp, secret),
  };
};
