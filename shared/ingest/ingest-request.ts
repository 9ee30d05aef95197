import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { CredentialSource } from '../auth/auth-result';
import { rawBodyOf } from './raw-body';

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
