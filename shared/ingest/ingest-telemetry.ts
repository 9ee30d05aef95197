import type { ServiceLog, ServiceMetrics } from '../observability/service-log';
import type { Vendor } from '../vendors/vendor';
import type { IngestOutcome } from './ingest-pipeline';

/** One delivery's result, as it is reported. */
export interface IngestReport {
  readonly vendor: Vendor;
  readonly requestId: string;
  readonly outcome: IngestOutcome;
  /** The status code the vendor is answered with. */
  readonly status: number;
}

/**
 * What ingest reports: one structured log line and the matching metrics per delivery, through
 * the service-wide log and metrics ports (`ServiceLog`, `ServiceMetrics`), as every handler does.
 *
 * Duplicate deliveries are not counted here: telling a repeat from a first delivery needs a read
 * of the event ledger, and the ingest warm path makes no call but the SendMessage. The worker
 * counts repeats when it dedupes.
 */
export interface IngestObservability {
  readonly log: ServiceLog;
  readonly metrics: ServiceMetrics;
}

/**
 * The fields of an error that are safe to log: its name, its cause's name, and its stack frames
 * without the first line. Error messages are left out on purpose: a parse error quotes the
 * input, and the input may hold personal data.
 */
const errorFields = (error: unknown): Record<string, string> => {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const fields: Record<string, string> = { errorName: error.name };
  if (error.cause instanceof Error) fields.causeName = error.cause.name;
  const frames = error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '));
  if (frames && frames.length > 0) fields.stackFrames = frames.slice(0, 8).join('\n');
  return fields;
};

/**
 * Our own error messages (EnqueueError, SecretsUnavailableError) are built from names and codes,
 * never from input, so they are logged to tell a timeout from a refusal.
 */
const OWN_ERRORS = new Set(['EnqueueError', 'SecretsUnavailableError']);

const failureFields = (error: unknown): Record<string, string> => {
  const fields = errorFields(error);
  if (error instanceof Error && OWN_ERRORS.has(error.name)) fields.errorMessage = error.message;
  return fields;
};

/**
 * Per-outcome log fields. Never the body, a header, the query string, a credential or an issue
 * message (which can quote the rejected value); issue paths only.
 */
const outcomeFields = (outcome: IngestOutcome): Record<string, unknown> => {
  switch (outcome.kind) {
    case 'accepted':
      return {
        eventId: outcome.eventId,
        eventType: outcome.eventType,
        ...(outcome.dropped ? { droppedPaths: outcome.dropped } : {}),
      };
    case 'ignored':
      return { eventId: outcome.eventId, eventType: outcome.eventType };
    case 'payload_too_large':
      return { limitBytes: outcome.limitBytes };
    case 'unsupported_media_type':
      return {};
    case 'malformed_body':
      return { quarantined: outcome.quarantined };
    case 'unauthorized':
      return { authFailure: outcome.failure };
    case 'invalid_payload':
      return {
        quarantined: outcome.quarantined,
        issuePaths: outcome.issues.map((issue) => issue.path),
      };
    case 'unavailable':
      return {
        cause: outcome.cause,
        ...(outcome.eventId === undefined ? {} : { eventId: outcome.eventId }),
        ...failureFields(outcome.error),
      };
  }
};

const UNAVAILABLE_METRICS = {
  enqueue_failed: 'EnqueueFailed',
  quarantine_failed: 'QuarantineFailed',
  secrets_unavailable: 'SecretsUnavailable',
} as const;

/**
 * The EMF metrics an outcome adds: OptionalFieldsDropped (the fields an accepted delivery lost
 * for failing their format), Ignored, Rejected (with a `reason` dimension), Quarantined,
 * EnqueueFailed, QuarantineFailed, SecretsUnavailable. All carry the `vendor` dimension.
 *
 * `Accepted`, by far the most frequent, is not one of them: the stack counts it with a metric
 * filter on the accepted delivery's log line (`outcome: accepted`, with `service` and `vendor`),
 * into the same namespace, name and dimensions. An EMF line per accepted webhook would be 230
 * bytes of CloudWatch Logs for a count the line already carries.
 */
const addOutcomeMetrics = (meter: ServiceMetrics, vendor: Vendor, outcome: IngestOutcome): void => {
  // The dimension goes with a metric only: dimensions are cleared when metrics are flushed, and
  // an accepted delivery usually flushes none, so a dimension added for nothing would still be
  // there on the next request (where Powertools warns on every addition).
  if (outcome.kind === 'accepted' && !outcome.dropped) return;
  meter.addDimension('vendor', vendor);
  switch (outcome.kind) {
    case 'accepted':
      if (outcome.dropped) {
        meter.addMetric('OptionalFieldsDropped', 'Count', outcome.dropped.length);
      }
      return;
    case 'ignored':
      meter.addMetric('Ignored', 'Count', 1);
      return;
    case 'unavailable':
      meter.addMetric(UNAVAILABLE_METRICS[outcome.cause], 'Count', 1);
      return;
    default:
      meter.addDimension('reason', outcome.kind);
      meter.addMetric('Rejected', 'Count', 1);
      if ('quarantined' in outcome && outcome.quarantined) {
        meter.addMetric('Quarantined', 'Count', 1);
      }
  }
};

/** One delivery's log line (info, warn or error by outcome) and metrics. */
export const reportDelivery = (
  { log, metrics }: IngestObservability,
  { vendor, requestId, outcome, status }: IngestReport,
): void => {
  const fields = {
    requestId,
    vendor,
    outcome: outcome.kind,
    status,
    ...outcomeFields(outcome),
  };
  if (outcome.kind === 'accepted' || outcome.kind === 'ignored') {
    log.info('webhook enqueued', fields);
  } else if (outcome.kind === 'unavailable') {
    log.error('webhook not taken: a dependency failed', fields);
  } else {
    log.warn('webhook rejected', fields);
  }
  addOutcomeMetrics(metrics, vendor, outcome);
};

/** An error nobody expected (the 500 path). */
export const reportFailure = (
  { log, metrics }: IngestObservability,
  vendor: Vendor,
  requestId: string,
  error: unknown,
): void => {
  log.error('webhook failed unexpectedly', {
    requestId,
    vendor,
    outcome: 'internal_error',
    status: 500,
    ...errorFields(error),
  });
  metrics.addDimension('vendor', vendor);
  metrics.addMetric('InternalError', 'Count', 1);
};
