import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, HTTP_ROUTES, type HttpRoute } from '../../shared/http/routes';
import { pinLogicalId } from './pinned-logical-id';

/**
 * The stage's request rate limits. Far above what the three vendors send (a SharinPix upload of
 * 50 images is the largest burst), yet a runaway client or a flood cannot run up the Lambda and
 * SQS bill or crowd out the vendors unboundedly. API Gateway answers 429 beyond them, which the
 * vendors treat as retryable.
 */
export const STAGE_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * The access log line, one JSON object per request. It deliberately names only fields that
 * cannot carry credentials: the route key and the path (never the raw URL or query string, since
 * `?token=` authenticates two webhook routes), and no request headers (SharinPix sends its secret
 * in one). The caller's IAM identity is kept for the IAM-authorized read routes.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  callerArn: '$context.identity.userArn',
} as const;

/** Access logs are operational data; three months covers a vendor's dispute of a delivery. */
export const ACCESS_LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

const HTTP_METHODS: Readonly<Record<HttpRoute['method'], apigwv2.HttpMethod>> = {
  GET: apigwv2.HttpMethod.GET,
  POST: apigwv2.HttpMethod.POST,
};

/** `POST /webhooks/image-intelligence` → `PostWebhooksImageIntelligenceRoute`. */
const routeConstructId = (route: HttpRoute): string =>
  `${route.method.charAt(0)}${route.method.slice(1).toLowerCase()}${route.path
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('')}Route`;

/** The functions behind the routes, looked up by the route table's `functionName`. */
export interface WebhookHttpApiProps {
  /** The function behind each route's `functionName`. */
  readonly functionFor: (name: FunctionName) => lambda.IFunction;
}

/**
 * The HTTP API: every route of `HTTP_ROUTES` (the table the local gateway serves too), with IAM
 * authorization where the table asks for it. Webhook routes carry no gateway authorizer on
 * purpose: vendors cannot sign AWS requests, so each ingest function authenticates its vendor
 * (JWT, shared secret or URL token) before anything is stored.
 *
 * One `$default` stage, so URLs have no stage prefix and match the local stack's paths exactly,
 * with throttling and JSON access logs.
 */
export class WebhookHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** Each route of `HTTP_ROUTES` with the API Gateway route built for it. */
  readonly routes: readonly { readonly definition: HttpRoute; readonly route: apigwv2.HttpRoute }[];

  constructor(scope: Construct, id: string, props: WebhookHttpApiProps) {
    super(scope, id);

    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: 'VendorWebhooks',
      description:
        'Vendor webhooks (Spyne, SharinPix, Image Intelligence) and the image records read API',
      createDefaultStage: false,
    });
    pinLogicalId(this.api, 'HttpApi');

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: ACCESS_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    pinLogicalId(this.accessLogGroup, 'HttpApiAccessLogGroup');

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    pinLogicalId(this.stage, 'HttpApiDefaultStage');

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      const existing = integrations.get(name);
      if (existing) return existing;
      const created = new HttpLambdaIntegration(`${name}-integration`, props.functionFor(name));
      integrations.set(name, created);
      return created;
    };
    const iamAuthorizer = new HttpIamAuthorizer();

    this.routes = HTTP_ROUTES.map((definition) => ({
      definition,
      route: new apigwv2.HttpRoute(this, routeConstructId(definition), {
        httpApi: this.api,
        routeKey: apigwv2.HttpRouteKey.with(definition.path, HTTP_METHODS[definition.method]),
        integration: integrationFor(definition.functionName),
        ...(definition.iamAuth ? { authorizer: iamAuthorizer } : {}),
      }),
    }));
  }

  /** The base URL, ending in `/`, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  get url(): string {
    return this.stage.url;
  }
}
