import type { HttpRoute } from '../shared/http/routes';
import { routeKeyOf } from '../shared/http/routes';

/** API Gateway's token bucket for one route: steady requests per second and the bucket's size. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A route's throttle and why it is sized so. */
export interface SizedRouteThrottle extends RouteThrottle {
  readonly reason: string;
}

/**
 * Each route's own throttle, by route key. A flood on one route (junk, a retry storm, a
 * misconfigured sender) then fills only that route's bucket, and never turns another vendor's
 * genuine deliveries into 429s, as one stage-wide limit shared by all routes would.
 *
 * HTTP API's 429 carries no `Retry-After`, and not every vendor retries (SharinPix documents no
 * retry at all), so each webhook route sits well above its vendor's documented bursts: a 429 on
 * a webhook route should only ever mean a flood. A route added without an entry here gets
 * `DEFAULT_ROUTE_THROTTLE`; a deployment can override any entry (context `throttles`).
 */
export const ROUTE_THROTTLES: Readonly<Record<string, SizedRouteThrottle>> = {
  'POST /webhooks/spyne': {
    rateLimit: 50,
    burstLimit: 100,
    reason:
      'Spyne posts once per SKU, when the SKU completes; a dealer shooting a lot completes tens of SKUs within seconds. 100 in the bucket takes such a batch whole, and 50 a second refills it faster than any documented pattern. Spyne documents no retry on 429.',
  },
  'POST /webhooks/sharinpix': {
    rateLimit: 100,
    burstLimit: 500,
    reason:
      'One SharinPix upload of up to 50 images sends 50 new_image, up to 50 image_processed and tag events and an upload_done within seconds, and several users upload at once. SharinPix documents no retry, so a 429 may lose an event: the bucket holds several whole uploads.',
  },
  'POST /webhooks/image-intelligence': {
    rateLimit: 20,
    burstLimit: 50,
    reason:
      'Image Intelligence posts once per completed job (1-64 images each), at the pace jobs finish, and retries a non-200 up to 5 times. 50 in the bucket covers a client submitting a batch of jobs that complete together.',
  },
  'POST /webhooks/cloudinary': {
    rateLimit: 100,
    burstLimit: 500,
    reason:
      'Cloudinary posts one notification per asset event (upload, eager, moderation, tags, …), so a bulk upload or a bulk tag edit in the Console sends hundreds within seconds. It retries a non-200 only a few times, minutes apart, so the bucket holds a whole bulk operation.',
  },
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
  reason:
    'No sizing recorded for this route: a modest default until its vendor is sized in ROUTE_THROTTLES.',
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
