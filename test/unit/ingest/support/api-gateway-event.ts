import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The gateway receipt time every test delivery carries unless told otherwise. */
export const RECEIVED_AT = new Date('2026-11-23T10:00:00.000Z');

export interface DeliveryOptions {
  readonly path: string;
  /** A string is sent as is; anything else is sent as its JSON text. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly rawQueryString?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestId?: string;
  readonly receivedAt?: Date;
}

/** A realistic API Gateway HTTP API (payload 2.0) POST event, as the gateway builds it. */
export const apiGatewayEvent = (options: DeliveryOptions): APIGatewayProxyEventV2 => {
  const receivedAt = options.receivedAt ?? RECEIVED_AT;
  const rawQueryString = options.rawQueryString ?? '';
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[name] =
      name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  return {
    version: '2.0',
    routeKey: `POST ${options.path}`,
    rawPath: options.path,
    rawQueryString,
    ...(rawQueryString ? { queryStringParameters } : {}),
    headers: {
      'content-length': String(Buffer.byteLength(body ?? '')),
      host: 'abc123def4.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'vendor-webhook/2.1',
      'x-forwarded-for': '203.0.113.24',
      'x-forwarded-proto': 'https',
      ...options.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123def4',
      domainName: 'abc123def4.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123def4',
      http: {
        method: 'POST',
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.24',
        userAgent: 'vendor-webhook/2.1',
      },
      requestId: options.requestId ?? 'Jq9yXhKpIAMEVjQ=',
      routeKey: `POST ${options.path}`,
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: receivedAt.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
};
