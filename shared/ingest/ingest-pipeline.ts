import type { SignedBy } from '../auth/auth-result';
import { DEFAULT_SIGNATURE_MAX_AGE_SECONDS } from '../auth/authenticators';
import { toEventMessage } from '../queue/event-message';
import type { EventQueue } from '../queue/sqs-event-queue';
import type { WebhookSecrets, WebhookSecretsProvider } from '../secrets/webhook-secrets';
import { MAX_REPORTED_ISSUES, type ValidationIssue } from '../validation/validation-issue';
import { parseBody } from './body-parser';
import { type BodyFormat, bodyFormatOf } from './content-type';
import type { IngestOutcome } from './ingest-outcome';
import type { IngestRequest } from './ingest-request';
import { eventTypeHeaderOf, type IngestRoute } from './ingest-route';
import { type QuarantineCause, quarantineMessage } from './quarantine';

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
