import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { CredentialSource } from '../auth/auth-result';
import type { IngestRoute } from './ingest-pipeline';

/**
 * One delivery as ingest reads it, before any vendor knowledge: the API Gateway event turned
 * into decoded bytes, headers and query (`toIngestRequest`, `rawBodyOf`), the body format its
 * Content-Type announces (`bodyFormatOf`), the bytes parsed into a JSON value (`parseBody`), and
 * the event name a route takes from a header (`eventTypeHeaderOf`). They belong together because
 * each answers the same question, what did the sender send, and each step feeds the next;
 * quarantine and the tools re-read deliveries with the same functions.
 */

/**
 * One webhook delivery as the pipeline sees it: decoded bytes, headers by lower-case name, the
 * query string, and the gateway's receipt time and request id. Built once from the API Gateway
 * event, so no check re-reads the event in its own way.
 */
export interface IngestRequest extends CredentialSource {
  readonly body: Buffer;
  /** Header values by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  /** The query string exactly as received, for quarantine (minus `token`). */
  readonly rawQueryString: string;
  /** API Gateway's `requestContext.timeEpoch`: the receipt time, fixed before the queue. */
  readonly receivedAt: Date;
  /** API Gateway's `requestContext.requestId`. */
  readonly requestId: string;
}

/**
 * Header names are case-insensitive. Payload 2.0 lower-cases them already, but hand-made events
 * (`npm run invoke`, `sam local invoke`) may not; a name seen twice in different cases is joined
 * with a comma, as HTTP folds repeated headers, so a duplicated secret header never matches.
 */
const headerMapOf = (headers: APIGatewayProxyEventV2['headers']): Map<string, string> => {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const existing = map.get(key);
    map.set(key, existing === undefined ? value : `${existing},${value}`);
  }
  return map;
};

/**
 * The query string to parse. `rawQueryString` keeps every repeat of a parameter, whereas
 * `queryStringParameters` folds them; the folded form is only used for hand-made events that
 * lack the raw string.
 */
const rawQueryOf = (event: APIGatewayProxyEventV2): string => {
  if (typeof event.rawQueryString === 'string') return event.rawQueryString;
  const folded = new URLSearchParams();
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) folded.append(name, value);
  }
  return folded.toString();
};

/** What to use when a hand-made event lacks the gateway's own values. */
export interface RequestFallbacks {
  readonly now: Date;
  readonly requestId: string;
}

/** Builds the pipeline's view of one API Gateway (payload 2.0) event. */
export const toIngestRequest = (
  event: APIGatewayProxyEventV2,
  fallbacks: RequestFallbacks,
): IngestRequest => {
  const headers = headerMapOf(event.headers);
  const rawQueryString = rawQueryOf(event);
  const query = new URLSearchParams(rawQueryString);
  const timeEpoch = event.requestContext?.timeEpoch;
  const requestId = event.requestContext?.requestId;
  return {
    body: rawBodyOf(event.body, event.isBase64Encoded === true),
    headers,
    rawQueryString,
    receivedAt:
      typeof timeEpoch === 'number' && Number.isFinite(timeEpoch)
        ? new Date(timeEpoch)
        : fallbacks.now,
    requestId: typeof requestId === 'string' && requestId ? requestId : fallbacks.requestId,
    header: (name) => headers.get(name.toLowerCase()),
    queryValues: (name) => query.getAll(name),
  };
};

/**
 * The exact bytes the vendor sent. API Gateway base64-encodes bodies it does not consider text
 * (`isBase64Encoded`); size limits and signatures apply to the decoded bytes, never to the
 * base64 text, which is a third larger.
 */
export const rawBodyOf = (body: string | undefined, isBase64Encoded: boolean): Buffer => {
  if (body === undefined) return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or `undefined` when it is not valid UTF-8 (which no vendor sends). */
export const utf8TextOf = (bytes: Buffer): string | undefined => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
};

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

/** The form field in which older form receivers get the JSON body. */
export const FORM_PAYLOAD_FIELD = 'p';

/** A parsed body, or the reason it is malformed (safe to return to the sender: no body text). */
export type ParsedBody =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly message: string };

const malformed = (message: string): ParsedBody => ({ ok: false, message });

/**
 * The JSON text of a form body: its one `p` field. A form without it, or with it twice, is
 * malformed (two copies would leave it open which one was authenticated and which one stored).
 */
export const formPayloadOf = (
  form: URLSearchParams,
):
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string } => {
  const fields = form.getAll(FORM_PAYLOAD_FIELD);
  const [text] = fields;
  if (text === undefined)
    return { ok: false, message: `form field "${FORM_PAYLOAD_FIELD}" is missing` };
  if (fields.length > 1) {
    return { ok: false, message: `form field "${FORM_PAYLOAD_FIELD}" appears more than once` };
  }
  return { ok: true, text };
};

const parseJsonText = (text: string, what: string): ParsedBody => {
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return malformed(`${what} is not valid JSON`);
  }
};

/** A `p` value that is still percent-encoded: its JSON object or array opens with `%7B` or `%5B`. */
const STILL_ENCODED = /^\s*%(7b|5b)/i;

/**
 * The JSON of a form's `p` field. Older form senders percent-encode the JSON once more than
 * the form needs (its own Lambda receiver decodes the field twice), so a value that is not JSON but
 * still percent-encoded is decoded once more before it is refused.
 */
const parseFormPayload = (text: string): ParsedBody => {
  const parsed = parseJsonText(text, `form field "${FORM_PAYLOAD_FIELD}"`);
  if (parsed.ok || !STILL_ENCODED.test(text)) return parsed;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return parsed;
  }
  const again = parseJsonText(decoded, `form field "${FORM_PAYLOAD_FIELD}"`);
  return again.ok ? again : parsed;
};

/**
 * Turns body bytes into a JSON value. JSON bodies are parsed directly; form bodies must carry
 * exactly one field `p` holding the JSON (percent-encoded once or twice). Any JSON value comes
 * back, objects or not: whether it has the right shape is the vendor schema's question (400
 * invalid_payload), not the parser's.
 */
export const parseBody = (bytes: Buffer, format: BodyFormat): ParsedBody => {
  const text = utf8TextOf(bytes);
  if (text === undefined) return malformed('body is not valid UTF-8');
  if (format === 'json') return parseJsonText(text, 'body');
  const field = formPayloadOf(new URLSearchParams(text));
  if (!field.ok) return field;
  return parseFormPayload(field.text);
};

/** The event name a delivery carries outside its body, when the route reads one. */
export const eventTypeHeaderOf = (
  route: IngestRoute,
  request: IngestRequest,
): string | undefined =>
  route.eventTypeHeader === undefined ? undefined : request.header(route.eventTypeHeader);
