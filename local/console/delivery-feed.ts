import * as v from 'valibot';
import type { CapturedLine } from '../logs/handler-lines';

/**
 * What became of one webhook delivery: ingest's answer (`accepted`, `ignored`, or the 4xx/5xx
 * error it gave), then, for an accepted one, the worker's outcome for the message that carried it
 * (`applied`, `duplicate`, `ignored`, `failed` while SQS retries it).
 */
export interface Delivery {
  /** The gateway request id, which is also the queued envelope's `requestId`. */
  readonly requestId: string;
  readonly at: string;
  readonly vendor: string;
  readonly status: number;
  /** `accepted`, `ignored`, or the error code of the answer (`unauthorized`, `invalid_payload`…). */
  readonly outcome: string;
  readonly eventId?: string;
  /** The issue paths of a 400, or the answer's message. */
  readonly detail?: string;
  readonly worker?: string;
}

/** One handler invocation, as the local stack's log wrapper sees it. */
export interface ObservedInvocation {
  readonly functionName: string;
  readonly at: Date;
  readonly event: unknown;
  /** The handler's result, `undefined` when it threw. */
  readonly result: unknown;
  readonly lines: readonly CapturedLine[];
}

const IngestEventSchema = v.object({
  requestContext: v.object({ requestId: v.string() }),
});

const ResultSchema = v.object({
  statusCode: v.optional(v.number(), 200),
  body: v.optional(v.string(), ''),
});

const AnswerSchema = v.object({
  status: v.optional(v.string()),
  eventId: v.optional(v.string()),
  error: v.optional(v.string()),
  message: v.optional(v.string()),
  issues: v.optional(v.array(v.object({ path: v.string() }))),
});

const AnswerJsonSchema = v.pipe(v.string(), v.parseJson(), AnswerSchema);

const SqsEventSchema = v.object({
  Records: v.array(v.object({ messageId: v.string(), body: v.string() })),
});

const EnvelopeIdsSchema = v.pipe(
  v.string(),
  v.parseJson(),
  v.object({ requestId: v.string(), eventId: v.string() }),
);

const OutcomeLineSchema = v.object({ messageId: v.string(), outcome: v.string() });

/** Deliveries kept: enough for a screen of recent activity, bounded however long the stack runs. */
export const DELIVERY_FEED_SIZE = 200;

/**
 * The recent webhook deliveries of a local stack, newest first, for the console. Ingest
 * invocations add deliveries; worker batches fill in what the worker made of each message, joined
 * through the envelope's `requestId` (the gateway request that queued it) and the worker's log
 * line per message (`messageId`, `outcome`). In memory only.
 */
export class DeliveryFeed {
  readonly #deliveries: Delivery[] = [];
  readonly #size: number;

  constructor(size: number = DELIVERY_FEED_SIZE) {
    this.#size = size;
  }

  /** Takes what an invocation says about deliveries; other functions are ignored. */
  observe(invocation: ObservedInvocation): void {
    if (invocation.functionName.startsWith('ingest-')) this.#ingested(invocation);
    if (invocation.functionName === 'worker') this.#worked(invocation);
  }

  /** The newest `limit` deliveries, newest first. */
  recent(limit: number = this.#size): Delivery[] {
    return this.#deliveries.slice(0, limit);
  }

  #ingested(invocation: ObservedInvocation): void {
    const event = v.safeParse(IngestEventSchema, invocation.event);
    const result = v.safeParse(ResultSchema, invocation.result);
    if (!event.success) return;
    const status = result.success ? result.output.statusCode : 500;
    const answer = v.safeParse(AnswerJsonSchema, result.success ? result.output.body : '');
    const body = answer.success ? answer.output : {};
    const issues = body.issues?.map((issue) => issue.path).join(', ');
    const detail = issues || body.message;
    this.#deliveries.unshift({
      requestId: event.output.requestContext.requestId,
      at: invocation.at.toISOString(),
      vendor: invocation.functionName.slice('ingest-'.length),
      status,
      outcome:
        body.status ?? body.error ?? (result.success ? `status ${status}` : 'internal_error'),
      ...(body.eventId !== undefined ? { eventId: body.eventId } : {}),
      ...(detail ? { detail } : {}),
    });
    this.#deliveries.length = Math.min(this.#deliveries.length, this.#size);
  }

  #worked(invocation: ObservedInvocation): void {
    const batch = v.safeParse(SqsEventSchema, invocation.event);
    if (!batch.success) return;
    const requestOf = new Map<string, string>();
    for (const record of batch.output.Records) {
      const ids = v.safeParse(EnvelopeIdsSchema, record.body);
      if (ids.success) requestOf.set(record.messageId, ids.output.requestId);
    }
    for (const line of invocation.lines) {
      if (line.kind !== 'record') continue;
      const outcome = v.safeParse(OutcomeLineSchema, line.record);
      if (!outcome.success) continue;
      const requestId = requestOf.get(outcome.output.messageId);
      const index = this.#deliveries.findIndex((delivery) => delivery.requestId === requestId);
      const delivery = this.#deliveries[index];
      if (delivery !== undefined) {
        this.#deliveries[index] = { ...delivery, worker: outcome.output.outcome };
      }
    }
  }
}
