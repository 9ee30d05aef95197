/** The body formats ingest can parse. */
export type BodyFormat = 'json' | 'form';

/** `type/subtype+json`, e.g. `application/vnd.api+json`: JSON by RFC 6839. */
const STRUCTURED_JSON = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/;

/**
 * The body format a `Content-Type` header announces, or `undefined` for one we cannot read.
 * Parameters such as `charset` are ignored (bodies are decoded as UTF-8, and anything else fails
 * as malformed). A missing or blank header reads as JSON: some senders omit it, and the body is
 * still checked as JSON afterwards.
 */
export const bodyFormatOf = (contentType: string | undefined): BodyFormat | undefined => {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (mediaType === '' || mediaType === 'application/json') return 'json';
  if (STRUCTURED_JSON.test(mediaType)) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
};
