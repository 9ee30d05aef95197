/**
 * The one rule for personal data and credentials, applied wherever a vendor body is kept (queued
 * payloads, archives, records, quarantine): no user data (`user` objects, email
 * addresses) and no credential (`token`, `secret`, signatures, keys) at any depth.
 *
 * - a key that names a person or a credential is dropped with its whole value, at any depth;
 * - a string holding an email address is dropped (from an object, its key; from a list, the item);
 * - everything else is kept as it was.
 *
 * Dropping rather than masking keeps the result valid input for the schemas: a required field that
 * only held personal data is then reported missing, which is what it is for our purposes.
 */

/** Keys whose value is about a person: a `user` object, and contact fields anywhere. */
const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  'user',
  'users',
  'email',
  'emails',
  'e_mail',
  'phone',
  'mobile',
  'fullname',
  'full_name',
  'username',
  // Links that carry a token in their query string: a vendor's deep link, our own webhook URL
  // as a vendor echoes it.
  'app_url',
  'webhook_url',
]);

/** Key names of credentials: `token`, `access_token`, `X-Api-Secret`, `signature`, … */
const CREDENTIAL_KEY =
  /token|secret|passw(or)?d|signature|api[_-]?key|authorization|cookie|session/i;

/** Keys as people spell them (`User`, `E-Mail`, `appUrl`) folded to snake case. */
const foldKey = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** True for text that names a credential anywhere (`token=…` in a form or a query string). */
export const mentionsCredential = (text: string): boolean => CREDENTIAL_KEY.test(text);

/** True for a key the rule drops with its value. */
export const isPrivateKey = (key: string): boolean =>
  PERSONAL_KEYS.has(foldKey(key)) || CREDENTIAL_KEY.test(key);

/**
 * An email address inside a string. The domain must end in a letters-only label that is not an
 * image file extension, so `photo@2x.png` (a retina file name) and `…/@2x/…` paths are not taken
 * for addresses.
 */
const EMAIL =
  /[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+(?!(?:png|jpe?g|gif|webp|heic|heif|tiff?|bmp|svg|pdf|avif)\b)[a-z]{2,}\b/i;

/** True for a string that holds an email address. */
export const holdsEmail = (text: string): boolean => text.includes('@') && EMAIL.test(text);

/**
 * Nesting walked by the rule. A body may nest far deeper (JSON.parse takes 500,000 levels), but
 * nothing that deep is ever kept: the schemas refuse or cut any branch below 16 levels.
 */
const MAX_WALK_DEPTH = 64;

/**
 * A copy of a parsed JSON value under the rule. Values that are not JSON objects, arrays or
 * strings pass as they are; so does anything below `MAX_WALK_DEPTH`, which no schema keeps.
 */
export const withoutPersonalData = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string' || depth >= MAX_WALK_DEPTH) return value;
  if (Array.isArray(value)) {
    return value
      .filter((item) => !(typeof item === 'string' && holdsEmail(item)))
      .map((item) => withoutPersonalData(item, depth + 1));
  }
  if (typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isPrivateKey(key)) continue;
    if (typeof item === 'string' && holdsEmail(item)) continue;
    // Defined, not assigned: an own `__proto__` key from JSON.parse stays a plain key.
    Object.defineProperty(kept, key, {
      value: withoutPersonalData(item, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return kept;
};
