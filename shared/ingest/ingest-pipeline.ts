import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AuthFailure, SignedBy } from '../auth/auth-result';
import {
  authenticationOf,
  DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
  type RouteAuthentication,
} from '../auth/authenticators';
import { ConfigurationError } from '../config/env';
import { jsonResponse } from '../http/json-response';
import { type EventQueue, toEventMessage } from '../queue/event-queue';
import type { WebhookSecrets, WebhookSecretsProvider } from '../secrets/webhook-secrets';
import { MAX_REPORTED_ISSUES, type ValidationIssue } from '../validation/validation-issue';
import { type AnyVendorManifest, manifestOf } from '../vendors/manifests';
import type { Vendor } from '../vendors/vendor';
import type { VendorDefinition, VendorEvent } from '../vendors/vendor-definition';
import {
  type BodyFormat,
  bodyFormatOf,
  eventTypeHeaderOf,
  type IngestRequest,
  parseBody,
} from './ingest-request';
import { type QuarantineCause, quarantineMessage } from './quarantine';

/**
 * The ingest pipeline: a vendor's route (what differs between the webhook routes), the ordered
 * checks one delivery goes through, and the outcomes it can end in with the contract's response
 * for each. They belong together because the route configures the checks and every check ends in
 * an outcome: a new check or a new answer touches all three, and the contract's response table
 * reads against `toIngestResponse` right beside the pipeline that produces its cases.
 */

export type { AuthClock, RouteAuthentication } from '../auth/authenticators';

/** What differs between the webhook routes; the pipeline is otherwise the same for all. */
export interface IngestRouteConfig {
  readonly vendor: Vendor;
  readonly bodyFormats: readonly BodyFormat[];
  readonly authentication: RouteAuthentication;
  /** Header carrying the event name, for vendors that send it outside the body. */
  readonly eventTypeHeader?: string;
  /**
   * Top-level body keys never stored in quarantine: credentials and personal data. A body that
   * cannot be parsed to remove them is not stored at all (raw bodies are kept only for vendors
   * with nothing to remove).
   */
  readonly redactedBodyKeys: readonly string[];
}

/** A route with its vendor definition. */
export interface IngestRoute extends IngestRouteConfig {
  readonly definition: VendorDefinition<VendorEvent>;
}

/** A webhook route as the vendor's manifest declares it (contract, "Routes"). */
const ingestRouteConfigOf = (manifest: AnyVendorManifest): IngestRouteConfig => ({
  vendor: manifest.vendor,
  bodyFormats: manifest.bodyFormats,
  authentication: authenticationOf(manifest.auth),
  ...(manifest.eventTypeHeader === undefined ? {} : { eventTypeHeader: manifest.eventTypeHeader }),
  redactedBodyKeys: manifest.redactedBodyKeys,
});

/**
 * The one way to build a vendor's route: its manifest from the registry, its definition from
 * `definitions`. Each ingest function passes only its own vendor's definition, so its bundle holds
 * one vendor's schemas; tools that handle any vendor pass the whole registry. A vendor without a
 * definition fails loudly.
 */
export const ingestRoute = (
  vendor: Vendor,
  definitions: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>>,
): IngestRoute => {
  const definition = definitions[vendor];
  if (definition === undefined) {
    throw new ConfigurationError('has no vendor definition in the registry', vendor);
  }
  return { ...ingestRouteConfigOf(manifestOf(vendor)), definition };
};

/** Seconds a vendor is asked to wait after a 503 before retrying. */
export const RETRY_AFTER_SECONDS = 30;

/** Which dependency failed when a delivery could not be taken (503). */
export type UnavailableCause = 'enqueue_failed' | 'quarantine_failed' | 'secrets_unavailable';

/**
 * Everything a delivery can end in. The pipeline returns one of these and never builds an HTTP
 * response itself, so each row of the contract's response table is one case here and one branch in
 * `toIngestResponse`.
 */
export type IngestOutcome =
  | {
      readonly kind: 'accepted';
      readonly eventId: string;
      readonly eventType: string;
      /** Paths of optional fields dropped for failing their format; absent when none was. */
      readonly dropped?: readonly string[];
    }
  | { readonly kind: 'ignored'; readonly eventId: string; readonly eventType: string }
  | { readonly kind: 'payload_too_large'; readonly limitBytes: number }
  | { readonly kind: 'unsupported_media_type' }
  | { readonly kind: 'malformed_body'; readonly message: string; readonly quarantined: boolean }
  | { readonly kind: 'unauthorized'; readonly failure: AuthFailure }
  | {
      readonly kind: 'invalid_payload';
      readonly message: string;
      /** The issues the vendor is told, already cut to `MAX_REPORTED_ISSUES` by the pipeline. */
      readonly issues: readonly ValidationIssue[];
      readonly quarantined: true;
    }
  | {
      readonly kind: 'unavailable';
      readonly cause: UnavailableCause;
      readonly error: unknown;
      readonly eventId?: string;
    };

const unreachable = (value: never): never => {
  throw new Error(`unhandled ingest outcome ${JSON.stringify(value)}`);
};

/**
 * The public response for an outcome, exactly as the contract's table gives it. Internal details
 * (auth failure, error causes) never reach the body.
 */
export const toIngestResponse = (outcome: IngestOutcome): APIGatewayProxyStructuredResultV2 => {
  switch (outcome.kind) {
    case 'accepted':
      return jsonResponse(200, { status: 'accepted', eventId: outcome.eventId });
    case 'ignored':
      return jsonResponse(200, { status: 'ignored', eventId: outcome.eventId });
    case 'malformed_body':
      return jsonResponse(400, { error: 'malformed_body', message: outcome.message });
    case 'invalid_payload':
      return jsonResponse(400, {
        error: 'invalid_payload',
        message: outcome.message,
        issues: outcome.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      });
    case 'unauthorized':
      return jsonResponse(401, { error: 'unauthorized' });
    case 'payload_too_large':
      return jsonResponse(413, { error: 'payload_too_large', limitBytes: outcome.limitBytes });
    case 'unsupported_media_type':
      return jsonResponse(415, { error: 'unsupported_media_type' });
    case 'unavailable':
      return jsonResponse(
        503,
        { error: 'temporarily_unavailable' },
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    default:
      return unreachable(outcome);
  }
};

/** The response for an error nobody expected: a bare 500 that never carries the error's text. */
export const internalErrorResponse = (): APIGatewayProxyStructuredResultV2 =>
  jsonResponse(500, { error: 'internal_error' });

/** What the pipeline needs from the outside world; all of it injected, none of it global. */
export interface IngestPipelineDependencies {
  /** `MAX_BODY_BYTES`: the largest raw body accepted. */
  readonly maxBodyBytes: number;
  readonly secrets: WebhookSecretsProvider;
  readonly eventQueue: EventQueue;
  /** Same port shape as the event queue, pointed at the quarantine queue. */
  readonly quarantineQueue: EventQueue;
  /** The current time, for JWT expiry and signature freshness checks. */
  readonly now: () => Date;
  /** `SIGNATURE_MAX_AGE_SECONDS`; the digest scheme's default when not given. */
  readonly signatureMaxAgeSeconds?: number;
}

type Step<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly outcome: IngestOutcome };

const stop = (outcome: IngestOutcome): Step<never> => ({ ok: false, outcome });

/** Size, then content type: the checks that need nothing but the request itself. */
const admit = (
  route: IngestRoute,
  request: IngestRequest,
  maxBodyBytes: number,
): Step<BodyFormat> => {
  if (request.body.byteLength > maxBodyBytes) {
    return stop({ kind: 'payload_too_large', limitBytes: maxBodyBytes });
  }
  const format = bodyFormatOf(request.header('content-type'));
  if (format === undefined || !route.bodyFormats.includes(format)) {
    return stop({ kind: 'unsupported_media_type' });
  }
  return { ok: true, value: format };
};

/** Secrets are fetched only when a check needs them; without them the vendor must retry. */
const currentSecrets = async (provider: WebhookSecretsProvider): Promise<Step<WebhookSecrets>> => {
  try {
    return { ok: true, value: await provider.current() };
  } catch (error) {
    return stop({ kind: 'unavailable', cause: 'secrets_unavailable', error });
  }
};

/**
 * Keeps an authentic but unusable delivery, then answers what the vendor is told. If the
 * quarantine queue cannot take it the answer is 503: the delivery is authentic, so it is never
 * silently dropped, and the vendor's retry gets another chance.
 */
const quarantineThen = async (
  route: IngestRoute,
  request: IngestRequest,
  format: BodyFormat,
  dependencies: IngestPipelineDependencies,
  cause: QuarantineCause,
  answer: IngestOutcome,
): Promise<IngestOutcome> => {
  try {
    await dependencies.quarantineQueue.send(quarantineMessage(route, request, format, cause));
  } catch (error) {
    return { kind: 'unavailable', cause: 'quarantine_failed', error };
  }
  return answer;
};

const invalidPayloadMessage = (route: IngestRoute, issues: readonly ValidationIssue[]): string =>
  `body does not match the ${route.vendor} schema (${issues.length} issue${issues.length === 1 ? '' : 's'} shown)`;

/**
 * One webhook delivery through the ordered checks, ending in an outcome (never an exception for
 * anything a sender can cause):
 *
 * size → content type → authenticate → parse → validate → enqueue, except for routes whose
 * credential is in the body (a JWT), which parse before authenticating. An unauthenticated caller
 * never reaches a schema, so it learns nothing about one; and it is never stored. Authentic
 * deliveries that fail parsing or validation are quarantined before the 400 goes out.
 *
 * The warm path makes exactly one network call, the SendMessage: secrets are cached by their
 * provider and nothing else is read.
 */
export const runIngestPipeline = async (
  route: IngestRoute,
  request: IngestRequest,
  dependencies: IngestPipelineDependencies,
): Promise<IngestOutcome> => {
  const admitted = admit(route, request, dependencies.maxBodyBytes);
  if (!admitted.ok) return admitted.outcome;
  const format = admitted.value;
  const authentication = route.authentication;

  if (authentication.stage === 'before-parse') {
    const secrets = await currentSecrets(dependencies.secrets);
    if (!secrets.ok) return secrets.outcome;
    const result = authentication.authenticate(request, secrets.value, {
      now: dependencies.now(),
      signatureMaxAgeSeconds:
        dependencies.signatureMaxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
    });
    if (!result.ok) return { kind: 'unauthorized', failure: result.failure };
  }

  const parsed = parseBody(request.body, format);
  if (!parsed.ok) {
    if (authentication.stage === 'after-parse') {
      return { kind: 'malformed_body', message: parsed.message, quarantined: false };
    }
    return quarantineThen(
      route,
      request,
      format,
      dependencies,
      { reason: 'malformed_body', message: parsed.message, issues: [] },
      { kind: 'malformed_body', message: parsed.message, quarantined: true },
    );
  }

  let signedBy: SignedBy | undefined;
  if (authentication.stage === 'after-parse') {
    const secrets = await currentSecrets(dependencies.secrets);
    if (!secrets.ok) return secrets.outcome;
    const result = authentication.authenticate(
      request,
      parsed.payload,
      secrets.value,
      dependencies.now(),
    );
    if (!result.ok) return { kind: 'unauthorized', failure: result.failure };
    signedBy = result.signedBy;
  }

  const eventType = eventTypeHeaderOf(route, request);
  const event = toEventMessage({
    vendor: route.vendor,
    definition: route.definition,
    delivery: { payload: parsed.payload, eventType },
    receivedAt: request.receivedAt,
    requestId: request.requestId,
    ...(signedBy ? { signedBy } : {}),
  });
  if (!event.ok && event.reason === 'too_large') {
    return { kind: 'payload_too_large', limitBytes: event.limitBytes };
  }
  if (!event.ok) {
    const issues = event.issues.slice(0, MAX_REPORTED_ISSUES);
    const message = invalidPayloadMessage(route, issues);
    return quarantineThen(
      route,
      request,
      format,
      dependencies,
      { reason: 'invalid_payload', message, issues },
      { kind: 'invalid_payload', message, issues, quarantined: true },
    );
  }
  const { message, identity, dropped } = event;
  try {
    await dependencies.eventQueue.send(message);
  } catch (error) {
    return { kind: 'unavailable', cause: 'enqueue_failed', error, eventId: identity.eventId };
  }
  return identity.supported
    ? {
        kind: 'accepted',
        eventId: identity.eventId,
        eventType: identity.eventType,
        ...(dropped.length > 0 ? { dropped: dropped.map((field) => field.path) } : {}),
      }
    : { kind: 'ignored', eventId: identity.eventId, eventType: identity.eventType };
};
