import { RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  type FunctionName,
  HTTP_ROUTES,
  type HttpRoute,
  routeKeyOf,
} from '../../shared/http/routes';
import { VENDOR_MANIFESTS } from '../../shared/vendors/manifests';
import { ACCESS_LOG_FIELDS } from '../access-log-fields';
import { DEFAULT_ROUTE_THROTTLE, type RouteThrottle, throttleFor } from '../route-throttles';
import { pinLogicalId } from './pinned-logical-id';

const HTTP_METHODS: Readonly<Record<HttpRoute['method'], apigwv2.HttpMethod>> = {
  GET: apigwv2.HttpMethod.GET,
  POST: apigwv2.HttpMethod.POST,
};

/** `POST /webhooks/acme-images` → `PostWebhooksAcmeImagesRoute`. */
const routeConstructId = (route: HttpRoute): string =>
  `${route.method.charAt(0)}${route.method.slice(1).toLowerCase()}${route.path
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('')}Route`;

/** A domain of the deployment's own in front of the API, with its ACM certificate. */
export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

/** The functions behind the routes, and what a deployment sets (context, see `stack-config.ts`). */
export interface WebhookHttpApiProps {
  /** The function behind each route's `functionName`. */
  readonly functionFor: (name: FunctionName) => lambda.IFunction;
  /** The API's name, carrying the stage so two stages in one account are told apart. */
  readonly apiName: string;
  /** Per-route throttle overrides by route key, on top of `ROUTE_THROTTLES`. */
  readonly throttleOverrides: Readonly<Partial<Record<string, Partial<RouteThrottle>>>>;
  readonly accessLogRetention: logs.RetentionDays;
  readonly customDomain: CustomDomain | undefined;
}

/**
 * The HTTP API: every route of `HTTP_ROUTES` (the table the local gateway serves too), with IAM
 * authorization where the table asks for it. Webhook routes carry no gateway authorizer on
 * purpose: vendors cannot sign AWS requests, so each ingest function authenticates its vendor
 * (JWT, shared secret or URL token) before anything is stored.
 *
 * One `$default` stage, so URLs have no stage prefix and match the local stack's paths exactly,
 * with JSON access logs and a throttle per route (`route-throttles.ts`); the stage-wide default
 * only applies to a route that has none, which this construct never creates.
 */
export class WebhookHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** The custom domain, when the deployment has one. */
  readonly domainName: apigwv2.DomainName | undefined;
  /** Its name as configured (the construct's `name` is a CloudFormation reference). */
  readonly customDomainName: string | undefined;
  /** The throttle each route got, by route key. */
  readonly throttles: ReadonlyMap<string, RouteThrottle>;
  /** Each route of `HTTP_ROUTES` with the API Gateway route built for it. */
  readonly routes: readonly { readonly definition: HttpRoute; readonly route: apigwv2.HttpRoute }[];

  constructor(scope: Construct, id: string, props: WebhookHttpApiProps) {
    super(scope, id);

    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: props.apiName,
      description: `Vendor webhooks (${VENDOR_MANIFESTS.map((manifest) => manifest.displayName).join(', ')}) and the image records read API`,
      createDefaultStage: false,
    });
    pinLogicalId(this.api, 'HttpApi');

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    pinLogicalId(this.accessLogGroup, 'HttpApiAccessLogGroup');

    this.domainName = props.customDomain && this.customDomain(props.customDomain);
    this.customDomainName = props.customDomain?.domainName;

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: DEFAULT_ROUTE_THROTTLE.rateLimit,
        burstLimit: DEFAULT_ROUTE_THROTTLE.burstLimit,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    pinLogicalId(this.stage, 'HttpApiDefaultStage');
    if (this.domainName) {
      const mapping = new apigwv2.ApiMapping(this, 'CustomDomainMapping', {
        api: this.api,
        domainName: this.domainName,
        stage: this.stage,
      });
      pinLogicalId(mapping, 'HttpApiCustomDomainMapping');
      // The mapping names the stage by name, not by reference: it must wait for the stage.
      mapping.node.addDependency(this.stage);
    }

    this.throttles = new Map(
      HTTP_ROUTES.map((route) => [routeKeyOf(route), throttleFor(route, props.throttleOverrides)]),
    );
    // The L2 stage has no per-route settings. The CloudFormation property is a free-form map by
    // route key, written to the template as given, hence CloudFormation's own casing.
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      [...this.throttles].map(([routeKey, throttle]) => [
        routeKey,
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    );

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
    // CloudFormation refuses route settings for a route key that does not exist yet.
    this.stage.node.addDependency(...this.routes.map(({ route }) => route));
  }

  /**
   * The base URL, ending in `/`: the custom domain's when there is one, else the execute-api
   * URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`.
   */
  get url(): string {
    return this.customDomainName === undefined
      ? this.stage.url
      : `https://${this.customDomainName}/`;
  }

  /**
   * A regional custom domain on TLS 1.2 at least. DNS stays with the operator: the stack outputs
   * the target to point a CNAME or alias record at.
   */
  private customDomain(domain: CustomDomain): apigwv2.DomainName {
    const created = new apigwv2.DomainName(this, 'CustomDomain', {
      domainName: domain.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    pinLogicalId(created, 'HttpApiCustomDomain');
    return created;
  }
}
