import * as v from 'valibot';
import { FUNCTION_LOGICAL_IDS } from '../../../infra/constructs/pipeline-functions';
import { DEFAULT_ROUTE_THROTTLE, ROUTE_THROTTLES } from '../../../infra/route-throttles';
import { HTTP_ROUTES, routeKeyOf } from '../../../shared/http/routes';
import {
  getAtt,
  propertiesOf,
  resourceById,
  resourcesOfType,
  SYNTH_TIMEOUT_MS,
  type SynthesizedStack,
  synthesizeVendorWebhooks,
} from './support/synthesized-stack';

const RouteSchema = v.object({
  RouteKey: v.string(),
  AuthorizationType: v.optional(v.string(), 'NONE'),
  Target: v.object({
    'Fn::Join': v.tuple([
      v.literal(''),
      v.tuple([v.literal('integrations/'), v.object({ Ref: v.string() })]),
    ]),
  }),
});

const IntegrationSchema = v.object({
  IntegrationType: v.string(),
  IntegrationUri: v.unknown(),
  PayloadFormatVersion: v.string(),
});

const ThrottleSchema = v.object({
  ThrottlingBurstLimit: v.number(),
  ThrottlingRateLimit: v.number(),
});

const StageSchema = v.object({
  StageName: v.string(),
  AutoDeploy: v.boolean(),
  DefaultRouteSettings: ThrottleSchema,
  RouteSettings: v.record(v.string(), ThrottleSchema),
  AccessLogSettings: v.object({ DestinationArn: v.unknown(), Format: v.string() }),
});

/** Context variables that could put the `token` query parameter or a secret header in a log. */
const CREDENTIAL_CARRYING_VARIABLES = [
  /querystring/i,
  /requestOverride/i,
  /rawQueryString/i,
  /request\.header/i,
  /\$input/i,
  /\$method/i,
  /requestUri/i,
  /\$context\.uri/i,
  /authorizer\.claims/i,
];

let synthesized: SynthesizedStack;

beforeAll(() => {
  synthesized = synthesizeVendorWebhooks();
}, SYNTH_TIMEOUT_MS);

describe('HTTP API routes', () => {
  it('creates exactly the routes of HTTP_ROUTES', () => {
    // Prepare
    const expected = HTTP_ROUTES.map(routeKeyOf).sort();

    // Act
    const routeKeys = resourcesOfType(synthesized.parsed, 'AWS::ApiGatewayV2::Route')
      .map(([, route]) => propertiesOf(route, RouteSchema).RouteKey)
      .sort();

    // Assess
    expect(routeKeys).toEqual(expected);
    expect(routeKeys).toEqual([
      'GET /images',
      'GET /images/{vendor}/{imageId}',
      'POST /webhooks/cloudinary',
      'POST /webhooks/image-intelligence',
      'POST /webhooks/sharinpix',
      'POST /webhooks/spyne',
    ]);
  });

  it.each(HTTP_ROUTES.map((route) => [routeKeyOf(route), route] as const))(
    '%s: IAM authorization only where the route table asks for it, integrated with its function',
    (routeKey, route) => {
      // Prepare
      const [, resource] = resourcesOfType(synthesized.parsed, 'AWS::ApiGatewayV2::Route').find(
        ([, candidate]) => propertiesOf(candidate, RouteSchema).RouteKey === routeKey,
      ) ?? [undefined, undefined];
      if (resource === undefined) throw new Error(`route ${routeKey} missing`);

      // Act
      const properties = propertiesOf(resource, RouteSchema);
      const integrationId = properties.Target['Fn::Join'][1][1].Ref;
      const integration = propertiesOf(
        resourceById(synthesized.parsed, integrationId),
        IntegrationSchema,
      );

      // Assess
      expect(properties.AuthorizationType).toBe(route.iamAuth ? 'AWS_IAM' : 'NONE');
      expect(integration.IntegrationType).toBe('AWS_PROXY');
      expect(integration.PayloadFormatVersion).toBe('2.0');
      expect(integration.IntegrationUri).toEqual(
        getAtt(FUNCTION_LOGICAL_IDS[route.functionName], 'Arn'),
      );
    },
  );

  it('uses IAM authorization on both GET routes and on no webhook route', () => {
    // Act
    const byAuthorization = resourcesOfType(synthesized.parsed, 'AWS::ApiGatewayV2::Route').map(
      ([, route]) => {
        const properties = propertiesOf(route, RouteSchema);
        return `${properties.RouteKey.split(' ')[0]} ${properties.AuthorizationType}`;
      },
    );

    // Assess
    expect(byAuthorization.sort()).toEqual([
      'GET AWS_IAM',
      'GET AWS_IAM',
      'POST NONE',
      'POST NONE',
      'POST NONE',
      'POST NONE',
    ]);
  });
});

describe('HTTP API stage', () => {
  const stage = () =>
    propertiesOf(resourceById(synthesized.parsed, 'HttpApiDefaultStage'), StageSchema);

  it('is the auto-deployed $default stage, so paths match the local stack', () => {
    // Act
    const { StageName, AutoDeploy } = stage();

    // Assess
    expect(StageName).toBe('$default');
    expect(AutoDeploy).toBe(true);
  });

  it('gives every route its own throttle, as sized in ROUTE_THROTTLES', () => {
    // Act
    const { RouteSettings } = stage();

    // Assess
    expect(Object.keys(RouteSettings).sort()).toEqual(HTTP_ROUTES.map(routeKeyOf).sort());
    for (const route of HTTP_ROUTES) {
      const sized = ROUTE_THROTTLES[routeKeyOf(route)] ?? DEFAULT_ROUTE_THROTTLE;
      expect(RouteSettings[routeKeyOf(route)]).toEqual({
        ThrottlingRateLimit: sized.rateLimit,
        ThrottlingBurstLimit: sized.burstLimit,
      });
    }
  });

  it('sizes each webhook route above its vendor’s documented bursts, reads on their own limit', () => {
    // Act
    const { RouteSettings } = stage();

    // Assess
    expect(RouteSettings['POST /webhooks/spyne']).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    expect(RouteSettings['POST /webhooks/sharinpix']).toEqual({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 500,
    });
    expect(RouteSettings['POST /webhooks/image-intelligence']).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 50,
    });
    expect(RouteSettings['GET /images/{vendor}/{imageId}']).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    expect(RouteSettings['GET /images']).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
  });

  it('falls back to the modest default only for a route without its own setting', () => {
    // Act
    const { DefaultRouteSettings } = stage();

    // Assess
    expect(DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLE.burstLimit,
    });
  });

  it('is created after every route, since CloudFormation refuses settings for a missing route', () => {
    // Prepare
    const routeIds = resourcesOfType(synthesized.parsed, 'AWS::ApiGatewayV2::Route').map(
      ([id]) => id,
    );

    // Act
    const dependsOn = resourceById(synthesized.parsed, 'HttpApiDefaultStage').DependsOn ?? [];

    // Assess
    expect(routeIds).toHaveLength(HTTP_ROUTES.length);
    expect(dependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('writes JSON access logs to its own log group, with a retention period', () => {
    // Act
    const { AccessLogSettings } = stage();
    const logGroup = resourceById(synthesized.parsed, 'HttpApiAccessLogGroup');

    // Assess
    expect(AccessLogSettings.DestinationArn).toEqual(getAtt('HttpApiAccessLogGroup', 'Arn'));
    expect(logGroup.Properties.RetentionInDays).toEqual(expect.any(Number));
    expect(v.parse(v.record(v.string(), v.string()), JSON.parse(AccessLogSettings.Format))).toEqual(
      expect.objectContaining({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
      }),
    );
  });

  it('never logs the query string, a raw URL or request headers', () => {
    // Act
    const fields = Object.values(
      v.parse(v.record(v.string(), v.string()), JSON.parse(stage().AccessLogSettings.Format)),
    );

    // Assess
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) {
      expect(field).toMatch(/^\$context\.[A-Za-z.]+$/);
      for (const forbidden of CREDENTIAL_CARRYING_VARIABLES) expect(field).not.toMatch(forbidden);
    }
  });
});
