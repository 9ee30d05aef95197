/**
 * The public HTTP routes and the function behind each: one table, read by the CDK stack (API
 * Gateway routes) and by the local gateway, so both expose exactly the same API.
 */

/**
 * Every function the project deploys, by its folder under `functions/`: the four ingest functions
 * and the read function behind the routes below, the worker fed by the queue, and the publisher
 * fed by the records table's stream.
 */
export const FUNCTION_NAMES = [
  'ingest-spyne',
  'ingest-sharinpix',
  'ingest-image-intelligence',
  'ingest-cloudinary',
  'worker',
  'read',
  'publisher',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  /** API Gateway route path, with `{name}` path parameters. */
  readonly path: string;
  readonly functionName: FunctionName;
  /** IAM-authorized in AWS; open on the local stack. */
  readonly iamAuth: boolean;
}

export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'POST', path: '/webhooks/spyne', functionName: 'ingest-spyne', iamAuth: false },
  { method: 'POST', path: '/webhooks/sharinpix', functionName: 'ingest-sharinpix', iamAuth: false },
  {
    method: 'POST',
    path: '/webhooks/image-intelligence',
    functionName: 'ingest-image-intelligence',
    iamAuth: false,
  },
  {
    method: 'POST',
    path: '/webhooks/cloudinary',
    functionName: 'ingest-cloudinary',
    iamAuth: false,
  },
  { method: 'GET', path: '/images/{vendor}/{imageId}', functionName: 'read', iamAuth: true },
  { method: 'GET', path: '/images', functionName: 'read', iamAuth: true },
];

/** The API Gateway route key, e.g. `POST /webhooks/spyne`. */
export const routeKeyOf = (route: HttpRoute): string => `${route.method} ${route.path}`;

/**
 * Finds the route for a request path and its path parameters, matching `{name}` segments the way
 * API Gateway does (one whole, non-empty segment each). Parameters come back URL-decoded.
 */
export const matchRoute = (
  method: string,
  path: string,
): { route: HttpRoute; pathParameters: Record<string, string> } | undefined => {
  const segments = path.split('/');
  for (const route of HTTP_ROUTES) {
    if (route.method !== method.toUpperCase()) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = segments[index] ?? '';
      const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
      if (parameter === undefined) return part === segment;
      if (segment === '') return false;
      try {
        pathParameters[parameter] = decodeURIComponent(segment);
      } catch {
        return false;
      }
      return true;
    });
    if (matches) return { route, pathParameters };
  }
  return undefined;
};
