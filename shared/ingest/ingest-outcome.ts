import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AuthFailure } from '../auth/auth-result';
import { jsonResponse } from '../http/json-response';
import type { ValidationIssue } from '../validation/validation-issue';

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
