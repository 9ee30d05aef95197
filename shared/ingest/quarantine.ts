import { createHash } from 'node:crypto';
import * as v from 'valibot';
import {
  type QueueMessage,
  queueMessageBytes,
  SQS_MAX_MESSAGE_BYTES,
  toQueueMessage,
} from '../queue/event-queue';
import type { ValidationIssue } from '../validation/validation-issue';
import { VENDOR_MANIFESTS } from '../vendors/manifests';
import { VENDORS } from '../vendors/vendor';
import { credentialHeadersOf } from '../auth/auth-scheme';
import { redactBodyForQuarantine } from './body-redaction';
import type { IngestRoute } from './ingest-pipeline';
import { type BodyFormat, eventTypeHeaderOf, type IngestRequest } from './ingest-request';

/**
 * The quarantine record: an authentic delivery that failed parsing or validation, kept (14 days
 * on the quarantine queue) so an operator can inspect it and replay it after a schema fix.
 * Versioned like the event envelope, so replay tooling can read it back with this schema.
 */
const QUARANTINE_RECORD_VERSION = 1;

export const QuarantineRecordSchema = v.object({
  version: v.literal(QUARANTINE_RECORD_VERSION),
  reason: v.picklist(['malformed_body', 'invalid_payload']),
  message: v.string(),
  issues: v.array(v.object({ path: v.string(), message: v.string() })),
  vendor: v.picklist(VENDORS),
  /** The event name sent outside the body (the manifest's `eventTypeHeader`), when there is one. */
  eventType: v.optional(v.string()),
  receivedAt: v.pipe(v.string(), v.isoTimestamp()),
  requestId: v.string(),
  /** Request headers without credentials (see `SECRET_HEADERS`). */
  headers: v.record(v.string(), v.string()),
  /** The raw query string without `token`. */
  queryString: v.string(),
  /** The body, redacted per vendor; absent when it could not be kept (see `bodyNote`). */
  body: v.optional(v.object({ encoding: v.picklist(['utf8', 'base64']), data: v.string() })),
  bodyNote: v.optional(v.string()),
  /** Size and SHA-256 of the bytes as received, to match a record to a vendor's delivery log. */
  bodyBytes: v.number(),
  bodySha256: v.string(),
});
export type QuarantineRecord = v.InferOutput<typeof QuarantineRecordSchema>;

/** Headers that carry credentials or sessions, any vendor's among them; never stored. */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  ...VENDOR_MANIFESTS.flatMap((manifest) => credentialHeadersOf(manifest.auth)),
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
]);

/** Query parameters that carry credentials; never stored. */
const SECRET_QUERY_PARAMETERS = ['token'] as const;

const OVERSIZED_NOTE = 'body omitted: with it, the quarantine message would exceed the SQS limit';

/** Why an authentic delivery is quarantined, and what the vendor was told. */
export interface QuarantineCause {
  readonly reason: 'malformed_body' | 'invalid_payload';
  readonly message: string;
  readonly issues: readonly ValidationIssue[];
}

const headersWithoutSecrets = (headers: ReadonlyMap<string, string>): Record<string, string> =>
  Object.fromEntries([...headers].filter(([name]) => !SECRET_HEADERS.has(name)));

const queryWithoutSecrets = (rawQueryString: string): string => {
  const query = new URLSearchParams(rawQueryString);
  for (const name of SECRET_QUERY_PARAMETERS) query.delete(name);
  return query.toString();
};

/**
 * Issue messages may quote the value they reject, so an issue under a redacted key (a
 * `user`) keeps its path but not its message.
 */
const issuesWithoutRedactedValues = (
  issues: readonly ValidationIssue[],
  redactedKeys: readonly string[],
): ValidationIssue[] =>
  issues.map((issue) =>
    redactedKeys.includes(issue.path.split('.', 1)[0] ?? '')
      ? { path: issue.path, message: '(redacted)' }
      : { path: issue.path, message: issue.message },
  );

/**
 * Builds the quarantine message for an authentic delivery: redacted body, reason and issues,
 * headers and query string without credentials. It always fits on SQS (the body is dropped with a
 * note if it would not), so a quarantine send can only fail for reasons a retry may cure.
 */
export const quarantineMessage = (
  route: IngestRoute,
  request: IngestRequest,
  format: BodyFormat,
  cause: QuarantineCause,
): QueueMessage => {
  const redacted = redactBodyForQuarantine(request.body, format, route.redactedBodyKeys);
  const eventType = eventTypeHeaderOf(route, request);
  const record: QuarantineRecord = {
    version: QUARANTINE_RECORD_VERSION,
    reason: cause.reason,
    message: cause.message,
    issues: issuesWithoutRedactedValues(cause.issues, route.redactedBodyKeys),
    vendor: route.vendor,
    ...(eventType === undefined ? {} : { eventType }),
    receivedAt: request.receivedAt.toISOString(),
    requestId: request.requestId,
    headers: headersWithoutSecrets(request.headers),
    queryString: queryWithoutSecrets(request.rawQueryString),
    ...(redacted.kept ? { body: redacted.body } : { bodyNote: redacted.note }),
    bodyBytes: request.body.byteLength,
    bodySha256: createHash('sha256').update(request.body).digest('hex'),
  };
  const attributes = { vendor: route.vendor, reason: cause.reason };
  const message = toQueueMessage(record, attributes);
  if (queueMessageBytes(message) <= SQS_MAX_MESSAGE_BYTES) return message;
  const { body: _omitted, ...withoutBody } = record;
  return toQueueMessage({ ...withoutBody, bodyNote: OVERSIZED_NOTE }, attributes);
};
