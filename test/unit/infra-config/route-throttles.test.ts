import {
  DEFAULT_ROUTE_THROTTLE,
  ROUTE_THROTTLES,
  throttleFor,
} from '../../../infra/route-throttles';
import { HTTP_ROUTES, type HttpRoute, routeKeyOf } from '../../../shared/http/routes';

const route = (key: string): HttpRoute => {
  const found = HTTP_ROUTES.find((candidate) => routeKeyOf(candidate) === key);
  if (found === undefined) throw new Error(`no route ${key}`);
  return found;
};

describe('route throttles', () => {
  it('sizes only routes that exist, each with its reasoning', () => {
    // Prepare
    const routeKeys = HTTP_ROUTES.map(routeKeyOf);

    // Act
    const entries = Object.entries(ROUTE_THROTTLES);

    // Assess
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, sized] of entries) {
      expect(routeKeys).toContain(key);
      expect(sized.burstLimit).toBeGreaterThanOrEqual(sized.rateLimit);
      expect(sized.reason.length).toBeGreaterThanOrEqual(100);
    }
  });

  it('gives the largest bucket to SharinPix, whose uploads burst most and which documents no retry', () => {
    // Act
    const bursts = HTTP_ROUTES.map((candidate) => throttleFor(candidate, {}).burstLimit);

    // Assess
    expect(throttleFor(route('POST /webhooks/sharinpix'), {}).burstLimit).toBe(Math.max(...bursts));
    // An upload of up to 50 images sends about three deliveries per image.
    expect(throttleFor(route('POST /webhooks/sharinpix'), {}).burstLimit).toBeGreaterThan(150);
  });

  it('gives a route without an entry the default', () => {
    // Prepare
    const unsized: HttpRoute = {
      method: 'POST',
      path: '/webhooks/some-new-vendor',
      functionName: 'ingest-spyne',
      iamAuth: false,
    };

    // Act
    const throttle = throttleFor(unsized, {});

    // Assess
    expect(throttle).toEqual({
      rateLimit: DEFAULT_ROUTE_THROTTLE.rateLimit,
      burstLimit: DEFAULT_ROUTE_THROTTLE.burstLimit,
    });
  });

  it('applies a deployment’s override to its route only, field by field', () => {
    // Prepare
    const overrides = { 'POST /webhooks/spyne': { rateLimit: 80 } };

    // Act
    const spyne = throttleFor(route('POST /webhooks/spyne'), overrides);
    const sharinpix = throttleFor(route('POST /webhooks/sharinpix'), overrides);

    // Assess
    expect(spyne).toEqual({ rateLimit: 80, burstLimit: 100 });
    expect(sharinpix).toEqual({ rateLimit: 100, burstLimit: 500 });
  });
});
