import type { HttpRoute } from '../shared/http/routes';
import { VENDOR_MANIFESTS } from '../shared/vendors/manifests';
import type { RouteThrottleSizing } from '../shared/vendors/vendor-manifest';
import { routeKeyOf } from '../shared/http/routes';

/** API Gateway's token bucket for one route: steady requests per second and the bucket's size. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A route's throttle and why it is sized so. */
export type SizedRouteThrottle = RouteThrottleSizing;

/**
 * Each route's own throttle, by route key. A flood on one route (junk, a retry storm, a
 * misconfigured sender) then fills only that route's bucket, and never turns another vendor's
 * genuine deliveries into 429s, as one stage-wide limit shared by all routes would.
 *
 * HTTP API's 429 carries no `Retry-After`, and not every vendor retries (some document no retry
 * at all), so each webhook route sits well above its vendor's documented bursts, as its manifest
 * sizes it: a 429 on a webhook route should only ever mean a flood. A route without an entry gets
 * `DEFAULT_ROUTE_THROTTLE`; a deployment can override any entry (context `throttles`).
 */
export const ROUTE_THROTTLES: Readonly<Record<string, SizedRouteThrottle>> = {
  ...Object.fromEntries(
    VENDOR_MANIFESTS.map((manifest) => [
      `POST ${manifest.routePath}`,
      manifest.deployment.throttle,
    ]),
  ),
  'GET /images/{vendor}/{imageId}': {
    rateLimit: 50,
    burstLimit: 100,
    reason:
      'Read route, IAM-authorized operators and downstream services: its own bucket, so a runaway reader can neither crowd out the webhooks nor run up the read function and DynamoDB bill.',
  },
  'GET /images': {
    rateLimit: 20,
    burstLimit: 40,
    reason:
      'Collection pages of up to 100 records each cost a Query per call; a reader paging through a collection needs a few calls a second, a sync job no more than this.',
  },
};

/**
 * For a route without an entry (a vendor added without sizing its route yet), and the stage's
 * default: modest, so an unsized route cannot take much, yet above a single sender's pace.
 */
export const DEFAULT_ROUTE_THROTTLE: SizedRouteThrottle = {
  rateLimit: 20,
  burstLimit: 50,
  reason: 'No sizing recorded for this route: a modest default until its vendor manifest sizes it.',
};

/** A route's throttle: its entry, else the default, with a deployment's overrides on top. */
export const throttleFor = (
  route: HttpRoute,
  overrides: Readonly<Partial<Record<string, Partial<RouteThrottle>>>>,
): RouteThrottle => {
  const key = routeKeyOf(route);
  const sized = ROUTE_THROTTLES[key] ?? DEFAULT_ROUTE_THROTTLE;
  const override = overrides[key] ?? {};
  return {
    rateLimit: override.rateLimit ?? sized.rateLimit,
    burstLimit: override.burstLimit ?? sized.burstLimit,
  };
};
