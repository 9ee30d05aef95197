import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { matchRoute, routeKeyOf } from '../../shared/http/routes';

/** One HTTP request as the gateway received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path without the query string, exactly as sent. */
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Header name → value(s), any case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly requestId: string;
  readonly timeEpoch: number;
  readonly sourceIp: string;
}

/** Content types API Gateway passes as text; every other body is base64-encoded. */
const isTextContentType = (contentType: string | undefined): boolean => {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
};

const isValidUtf8 = (bytes: Buffer): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` as API Gateway writes it: `23/Nov/2026:12:00:00 +0000`. */
const gatewayTime = (epoch: number): string => {
  const date = new Date(epoch);
  const pad = (value: number) => value.toString().padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

/** Query parameters the way payload 2.0 shows them: repeated names joined with commas. */
const queryParameters = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
};

/**
 * Turns a request into the exact `APIGatewayProxyEventV2` an HTTP API (payload format 2.0) would
 * hand the Lambda: lower-case headers with repeated values comma-joined, cookies split out,
 * `rawPath`/`rawQueryString` untouched, base64 for non-text bodies, and the route key and path
 * parameters of the shared route table (`$default` when no route matches).
 */
export const toHttpApiEvent = (request: ReceivedRequest): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(',');
    if (lower === 'cookie') {
      cookies = [...(cookies ?? []), ...joined.split(/;\s*/).filter(Boolean)];
      continue;
    }
    headers[lower] = headers[lower] === undefined ? joined : `${headers[lower]},${joined}`;
  }
  const method = request.method.toUpperCase();
  const matched = matchRoute(method, request.rawPath);
  const routeKey = matched ? routeKeyOf(matched.route) : '$default';
  const hasBody = request.body.length > 0;
  const asText = hasBody && isTextContentType(headers['content-type']) && isValidUtf8(request.body);
  const queryStringParameters = queryParameters(request.rawQueryString);
  const domainName = (headers.host ?? 'localhost').split(':')[0] || 'localhost';
  return {
    version: '2.0',
    routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(matched && Object.keys(matched.pathParameters).length > 0
      ? { pathParameters: matched.pathParameters }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: request.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey,
      stage: '$default',
      time: gatewayTime(request.timeEpoch),
      timeEpoch: request.timeEpoch,
    },
    ...(hasBody
      ? { body: asText ? request.body.toString('utf8') : request.body.toString('base64') }
      : {}),
    isBase64Encoded: hasBody && !asText,
  };
};
