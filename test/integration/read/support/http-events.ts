import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A payload 2.0 event for the read routes, as API Gateway's HTTP API sends it. */
const httpEvent = (
  routeKey: string,
  rawPath: string,
  query: Readonly<Record<string, string>> | undefined,
  pathParameters: Readonly<Record<string, string>> | undefined,
): APIGatewayProxyEventV2 => {
  const rawQueryString = new URLSearchParams(query ?? {}).toString();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { host: 'localhost:3000', accept: 'application/json' },
    ...(query ? { queryStringParameters: { ...query } } : {}),
    ...(pathParameters ? { pathParameters: { ...pathParameters } } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'GET',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: 'read-test',
      routeKey,
      stage: '$default',
      time: '23/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795435200000,
    },
    isBase64Encoded: false,
  };
};

/** `GET /images/{vendor}/{imageId}` with API Gateway's (decoded) path parameters. */
export const getImageEvent = (
  vendor: string,
  imageId: string,
  query?: Readonly<Record<string, string>>,
): APIGatewayProxyEventV2 =>
  httpEvent(
    'GET /images/{vendor}/{imageId}',
    `/images/${encodeURIComponent(vendor)}/${encodeURIComponent(imageId)}`,
    query,
    { vendor, imageId },
  );

/** `GET /images?…`. */
export const listImagesEvent = (query: Readonly<Record<string, string>>): APIGatewayProxyEventV2 =>
  httpEvent('GET /images', '/images', query, undefined);

/** A request that reached the function through a `$default` route, with only the raw path. */
export const defaultRouteEvent = (
  rawPath: string,
  query?: Readonly<Record<string, string>>,
): APIGatewayProxyEventV2 => httpEvent('$default', rawPath, query, undefined);
