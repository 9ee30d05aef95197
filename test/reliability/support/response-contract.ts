import type { IncomingHttpHeaders } from 'node:http';
import * as v from 'valibot';

/**
 * The contract's response table as strict schemas (no extra keys), one per status and error code.
 * Every webhook answer in every suite is held against it, so a 4xx with a stray field, a 401 that
 * hints at which check failed, or a 503 without `Retry-After` is a failure, not a pass.
 */
const AcceptedSchema = v.strictObject({
  status: v.picklist(['accepted', 'ignored']),
  eventId: v.pipe(v.string(), v.minLength(1)),
});

/** Array indices are dotted (`image_data.0.image_id`), never bracketed (`image_data[0]`). */
const DottedPathSchema = v.pipe(
  v.string(),
  v.check((path) => !/\[\d+\]/.test(path), 'array indices must be dotted, not bracketed'),
);

const IssueSchema = v.strictObject({ path: DottedPathSchema, message: v.string() });

const MalformedSchema = v.strictObject({ error: v.literal('malformed_body'), message: v.string() });

const InvalidPayloadSchema = v.strictObject({
  error: v.literal('invalid_payload'),
  message: v.string(),
  issues: v.pipe(v.array(IssueSchema), v.minLength(1), v.maxLength(10)),
});

const UnauthorizedSchema = v.strictObject({ error: v.literal('unauthorized') });

const TooLargeSchema = v.strictObject({
  error: v.literal('payload_too_large'),
  limitBytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

const UnsupportedSchema = v.strictObject({ error: v.literal('unsupported_media_type') });

const UnavailableSchema = v.strictObject({ error: v.literal('temporarily_unavailable') });

/** A response that meets the contract, reduced to what the suites count. */
export type WebhookAnswer =
  | { readonly kind: 'accepted' | 'ignored'; readonly status: 200; readonly eventId: string }
  | {
      readonly kind:
        | 'malformed_body'
        | 'invalid_payload'
        | 'unauthorized'
        | 'payload_too_large'
        | 'unsupported_media_type'
        | 'temporarily_unavailable';
      readonly status: number;
      readonly limitBytes?: number;
    };

/** A checked response: its meaning, or what is wrong with it. */
export type ContractCheck =
  | { readonly ok: true; readonly answer: WebhookAnswer }
  | { readonly ok: false; readonly problem: string };

const fail = (problem: string): ContractCheck => ({ ok: false, problem });

const issuesText = (issues: readonly v.BaseIssue<unknown>[]): string =>
  issues
    .slice(0, 3)
    .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`)
    .join('; ');

const parsed = <S extends v.GenericSchema>(schema: S, json: unknown, status: number) => {
  const result = v.safeParse(schema, json);
  return result.success
    ? { ok: true as const, value: result.output }
    : {
        ok: false as const,
        problem: `${status} body breaks the contract: ${issuesText(result.issues)}`,
      };
};

/**
 * Checks one webhook response against the contract: JSON content type, a known status, the exact
 * body shape for that status, and `Retry-After` on a 503.
 */
export const checkWebhookResponse = (response: {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}): ContractCheck => {
  const { status } = response;
  if (status === 0) return fail('no response (connection failed)');
  if (!(response.headers['content-type'] ?? '').startsWith('application/json')) {
    return fail(`${status} answered with content type "${response.headers['content-type'] ?? ''}"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    return fail(`${status} body is not JSON`);
  }
  switch (status) {
    case 200: {
      const body = parsed(AcceptedSchema, json, status);
      return body.ok
        ? {
            ok: true,
            answer: { kind: body.value.status, status: 200, eventId: body.value.eventId },
          }
        : fail(body.problem);
    }
    case 400: {
      const schema =
        typeof json === 'object' &&
        json !== null &&
        'error' in json &&
        json.error === 'malformed_body'
          ? MalformedSchema
          : InvalidPayloadSchema;
      const body = parsed(schema, json, status);
      return body.ok
        ? { ok: true, answer: { kind: body.value.error, status } }
        : fail(body.problem);
    }
    case 401: {
      const body = parsed(UnauthorizedSchema, json, status);
      return body.ok ? { ok: true, answer: { kind: 'unauthorized', status } } : fail(body.problem);
    }
    case 413: {
      const body = parsed(TooLargeSchema, json, status);
      return body.ok
        ? {
            ok: true,
            answer: { kind: 'payload_too_large', status, limitBytes: body.value.limitBytes },
          }
        : fail(body.problem);
    }
    case 415: {
      const body = parsed(UnsupportedSchema, json, status);
      return body.ok
        ? { ok: true, answer: { kind: 'unsupported_media_type', status } }
        : fail(body.problem);
    }
    case 503: {
      const body = parsed(UnavailableSchema, json, status);
      if (!body.ok) return fail(body.problem);
      const retryAfter = Number(response.headers['retry-after']);
      if (!Number.isInteger(retryAfter) || retryAfter < 1) {
        return fail(
          `503 without a usable Retry-After (got "${response.headers['retry-after'] ?? ''}")`,
        );
      }
      return { ok: true, answer: { kind: 'temporarily_unavailable', status } };
    }
    default:
      return fail(`status ${status} is not in the contract's response table`);
  }
};
