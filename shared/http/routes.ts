import { VENDOR_MANIFESTS } from '../vendors/manifests';
import { type Vendor, VENDORS } from '../vendors/vendor';

/**
 * The public HTTP routes and the function behind each: one table, read by the CDK stack (API
 * Gateway routes) and by the local gateway, so both expose exactly the same API.
 */

/** The function that ingests a vendor's webhooks: one per vendor, `functions/ingest-<vendor>/`. */
export type IngestFunctionName = `ingest-${Vendor}`;

/** A vendor's ingest function. */
export const ingestFunctionOf = (vendor: Vendor): IngestFunctionName => `ingest-${vendor}`;

/** The ingest functions, one per vendor in registry order. */
export const INGEST_FUNCTION_NAMES: readonly IngestFunctionName[] = VENDORS.map(ingestFunctionOf);

/** The functions that do not depend on the vendors. */
const SERVICE_FUNCTION_NAMES = ['worker', 'read', 'publisher'] as const;
type ServiceFunctionName = (typeof SERVICE_FUNCTION_NAMES)[number];

/**
 * Every function the project deploys, by its folder under `functions/`: an ingest function per
 * vendor and the read function behind the routes below, the worker fed by the queue, and the
 * publisher fed by the records table's stream.
 */
export type FunctionName = IngestFunctionName | ServiceFunctionName;
export const FUNCTION_NAMES: readonly FunctionName[] = [
  ...INGEST_FUNCTION_NAMES,
  ...SERVICE_FUNCTION_NAMES,
];

/**
 * A value for every function: `ingest` gives each ingest function's from its vendor, `service`
 * the others'. For per-function tables (IAM bindings, environment, servers needed).
 */
export const byFunction = <T>(
  ingest: (vendor: Vendor) => T,
  service: Readonly<Record<ServiceFunctionName, T>>,
): Record<FunctionName, T> =>
  Object.fromEntries([
    ...VENDORS.map((vendor) => [ingestFunctionOf(vendor), ingest(vendor)] as const),
    ...SERVICE_FUNCTION_NAMES.map((name) => [name, service[name]] as const),
  ]) as Record<FunctionName, T>;

export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  /** API Gateway route path, with `{name}` path parameters. */
  readonly path: string;
  readonly functionName: FunctionName;
  /** IAM-authorized in AWS; open on the local stack. */
  readonly iamAuth: boolean;
}

/** A webhook route per vendor, as its manifest declares it, then the read API's routes. */
export const HTTP_ROUTES: readonly HttpRoute[] = [
  ...VENDOR_MANIFESTS.map((manifest): HttpRoute => ({
    method: 'POST',
    path: manifest.routePath,
    functionName: ingestFunctionOf(manifest.vendor),
    iamAuth: false,
  })),
  { method: 'GET', path: '/images/{vendor}/{imageId}', functionName: 'read', iamAuth: true },
  { method: 'GET', path: '/images', functionName: 'read', iamAuth: true },
];

/** The API Gateway route key, e.g. `GET /images`. */
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
