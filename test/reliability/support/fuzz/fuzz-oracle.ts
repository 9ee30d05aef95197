import type { Vendor } from '../../../../shared/vendors/vendor';

/**
 * What the contract allows for a request, worked out independently of the product code from the
 * request itself: size → content type → (parse →) authenticate → validate. The suite compares
 * every answer with this; a 5xx is never allowed.
 */

/** The default body limit: 1 MiB, the SQS maximum. */
export const BODY_LIMIT_BYTES = 1_048_576;

/** How a Content-Type header reads: a body format, or one no route accepts. */
export type ContentTypeClass = 'json' | 'form' | 'unsupported';

/**
 * JSON is `application/json` or any `+json` type; form is `application/x-www-form-urlencoded`;
 * parameters and case do not matter. A missing or blank header is read as JSON (senders omit it
 * and the body is checked as JSON anyway: the product documents this in ingest-request.ts).
 */
export const classifyContentType = (header: string | undefined): ContentTypeClass => {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === 'application/json' || /^[\w.+-]+\/[\w.+-]+\+json$/.test(type)) {
    return 'json';
  }
  return type === 'application/x-www-form-urlencoded' ? 'form' : 'unsupported';
};

/** The body formats each route takes (contract, "Bodies"). */
const ROUTE_FORMATS: Readonly<Record<Vendor, readonly ContentTypeClass[]>> = {
  spyne: ['json'],
  sharinpix: ['json', 'form'],
  'image-intelligence': ['json'],
  cloudinary: ['json'],
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body's JSON value if it parses the way the contract says (form: exactly one field `p`). */
export const parseAsContract = (
  body: Buffer,
  format: 'json' | 'form',
): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    const text = strictUtf8.decode(body);
    if (format === 'json') return { ok: true, value: JSON.parse(text) };
    const fields = new URLSearchParams(text).getAll('p');
    if (fields.length !== 1) return { ok: false };
    const field = fields[0] ?? '';
    try {
      return { ok: true, value: JSON.parse(field) };
    } catch (error) {
      // The contract reads a `p` percent-encoded twice (older SharinPix senders) as well.
      if (!/^\s*%(7b|5b)/i.test(field)) throw error;
      return { ok: true, value: JSON.parse(decodeURIComponent(field)) };
    }
  } catch {
    return { ok: false };
  }
};

/** The facts of one request the oracle needs. */
export interface OracleInput {
  readonly route: Vendor;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  /** The request carries the route's valid credential (header, query token). */
  readonly authenticated: boolean;
  /** Spyne: the body's `signature` is one the test signed for the body's own ids. */
  readonly signatureValid: boolean;
}

const ACCEPTABLE = [200, 400, 413] as const;

/**
 * The statuses the contract allows. 413 is allowed under the limit only on the accepting path: a
 * body under 1 MiB can still make a queue message over it.
 */
export const allowedStatuses = (input: OracleInput): readonly number[] => {
  if (input.body.length > BODY_LIMIT_BYTES) return [413];
  const format = classifyContentType(input.contentType);
  if (format === 'unsupported' || !ROUTE_FORMATS[input.route].includes(format)) return [415];
  const parsed = parseAsContract(input.body, format);
  if (input.route !== 'spyne') {
    if (!input.authenticated) return [401];
    return parsed.ok ? ACCEPTABLE : [400];
  }
  // Spyne's credential is in the body, so the body is parsed first.
  if (!parsed.ok) return [400];
  if (!input.authenticated) return [401];
  const value = parsed.value;
  const signed =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.hasOwn(value, 'signature');
  if (signed && !input.signatureValid) return [401];
  return ACCEPTABLE;
};
