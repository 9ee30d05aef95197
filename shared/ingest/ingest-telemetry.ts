import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { metrics as sharedMetrics } from '../observability/metrics';
import type { Vendor } from '../vendors/vendor';
import type { IngestOutcome } from './ingest-outcome';

/** One delivery's result, as telemetry receives it. */
export interface IngestReport {
  readonly vendor: Vendor;
  readonly requestId: string;
  readonly outcome: IngestOutcome;
  /** The status code the vendor is answered with. */
  readonly status: number;
}

/**
 * Where ingest reports what happened: one structured log line and the matching metrics per
 * delivery. A port, so tests can assert on what is reported without parsing stdout.
 *
 * Duplicate deliveries are not counted here: telling a repeat from a first delivery needs a read
 * of the event ledger, and the ingest warm path makes no call but the SendMessage. The worker
 * counts repeats when it dedupes.
 */
export interface IngestTelemetry {
  /** Called at the start of each invocation, before anything is reported. */
  readonly begin: (context: Context | undefined) => void;
  readonly delivered: (report: IngestReport) => void;
  /** An error nobody expected (the 500 path). */
  readonly failed: (vendor: Vendor, requestId: string, error: unknown) => void;
  /** Flushes the invocation's metrics; called once per invocation, whatever happened. */
  readonly flush: () => void;
}

/**
 * The fields of an error that are safe to log: its name, its cause's name, and its stack frames
 * without the first line. Error messages are left out on purpose: a parse error quotes the
 * input, and the input may hold personal data.
 */
export const errorFields = (error: unknown): Record<string, string> => {
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
 * The metrics an outcome adds: Accepted (and OptionalFieldsDropped, the fields an accepted
 * delivery lost for failing their format), Ignored, Rejected (with a `reason` dimension),
 * Quarantined, EnqueueFailed, QuarantineFailed, SecretsUnavailable. All carry the `vendor`
 * dimension.
 */
const addOutcomeMetrics = (meter: Metrics, outcome: IngestOutcome): void => {
  switch (outcome.kind) {
    case 'accepted':
      meter.addMetric('Accepted', MetricUnit.Count, 1);
      if (outcome.dropped) {
        meter.addMetric('OptionalFieldsDropped', MetricUnit.Count, outcome.dropped.length);
      }
      return;
    case 'ignored':
      meter.addMetric('Ignored', MetricUnit.Count, 1);
      return;
    case 'unavailable':
      meter.addMetric(UNAVAILABLE_METRICS[outcome.cause], MetricUnit.Count, 1);
      return;
    default:
      meter.addDimension('reason', outcome.kind);
      meter.addMetric('Rejected', MetricUnit.Count, 1);
      if ('quarantined' in outcome && outcome.quarantined) {
        meter.addMetric('Quarantined', MetricUnit.Count, 1);
      }
  }
};

/** Telemetry on Powertools Logger and Metrics (structured JSON logs, CloudWatch EMF metrics). */
export const powertoolsIngestTelemetry = (
  log: Logger,
  meter: Metrics = sharedMetrics,
): IngestTelemetry => ({
  begin: (context) => {
    if (context !== undefined) log.addContext(context);
  },
  delivered: ({ vendor, requestId, outcome, status }) => {
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
    meter.addDimension('vendor', vendor);
    addOutcomeMetrics(meter, outcome);
  },
  failed: (vendor, requestId, error) => {
    log.error('webhook failed unexpectedly', {
      requestId,
      vendor,
      outcome: 'internal_error',
      status: 500,
      ...errorFields(error),
    });
    meter.addDimension('vendor', vendor);
    meter.addMetric('InternalError', MetricUnit.Count, 1);
  },
  flush: () => {
    meter.publishStoredMetrics();
  },
});
