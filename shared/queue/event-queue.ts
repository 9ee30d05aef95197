import { gunzipSync, gzipSync } from 'node:zlib';
import * as v from 'valibot';
import type { SignedBy } from '../auth/auth-result';
import { AwsCallError } from '../aws/aws-call-error';
import type { SqsMessageSender } from '../aws/sqs-send-message';
import { ServiceError } from '../errors/service-error';
import type { DroppedField, ValidationIssue } from '../validation/validation-issue';
import { type Vendor, VENDORS } from '../vendors/vendor';
import type {
  EventIdentity,
  VendorDefinition,
  VendorDelivery,
  VendorEvent,
} from '../vendors/vendor-definition';

/**
 * The event queue between ingest and the worker, end to end: the versioned envelope ingest puts
 * on the queue for each accepted webhook and the worker reads back (`EventEnvelopeSchema`), the
 * queue message of an event, made in this one module (`toEventEnvelope`, `envelopeJson`,
 * `envelopeMessage`, and `toEventMessage` with the SQS size check), and the transport that sends
 * it (`QueueMessage`, `jsonQueueMessage`, `SqsEventQueue`). They belong together because the
 * envelope, its bytes and SQS's limits on those bytes are one contract: a field added to the
 * envelope is written, sized and sent here. Ingest, quarantine redrive, the fixture generator and
 * the tests all build their messages here.
 */

/**
 * The message ingest puts on the queue for each accepted webhook, and the worker reads back.
 * Versioned, so a worker can refuse (and dead-letter) a shape it does not know instead of
 * guessing. The payload is the vendor definition's validated output: documented fields only,
 * without personal data or credentials.
 */
export const EVENT_ENVELOPE_VERSION = 1;

/** Most dropped fields an envelope lists (a 1 MiB body could name thousands). */
export const MAX_DROPPED_FIELDS = 20;

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());
const NonEmpty = v.pipe(v.string(), v.minLength(1));

const EnvelopeFieldsSchema = v.object({
  version: v.literal(EVENT_ENVELOPE_VERSION),
  vendor: v.picklist(VENDORS),
  eventType: NonEmpty,
  eventId: NonEmpty,
  /** The vendor's time of change where the payload has one, else `receivedAt`. */
  eventTime: IsoTimestamp,
  /** API Gateway's `requestContext.timeEpoch`: fixed at ingest, before the queue. */
  receivedAt: IsoTimestamp,
  requestId: NonEmpty,
  /** False for authentic events that are kept in the ledger but produce no records. */
  supported: v.boolean(),
  /**
   * The one-time signature that authenticated the delivery (a body JWT), as a digest: the worker binds
   * it to this event, so the same signature with another body is refused. Absent for credentials
   * that are not per delivery.
   */
  signedBy: v.optional(
    v.object({
      digest: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
      expiresAt: IsoTimestamp,
    }),
  ),
  /**
   * Optional fields ingest dropped from the payload because they failed their format (a
   * placeholder where a URL goes, a number beyond the finite range): the event was accepted
   * without them, and the worker notes them on the event's ledger entry.
   */
  dropped: v.optional(
    v.pipe(
      v.array(v.object({ path: v.string(), message: v.string() })),
      v.maxLength(MAX_DROPPED_FIELDS),
    ),
  ),
  /** The validated payload, as JSON. */
  payload: v.optional(v.unknown()),
  /**
   * The same payload as base64 gzip-compressed JSON, in place of `payload`, for an event whose
   * plain message would pass SQS's limit (a body at the 1 MiB limit, say). Read back as `payload`.
   */
  payloadGzip: v.optional(v.pipe(v.string(), v.base64())),
});

/**
 * Most bytes a compressed payload may inflate to. A payload comes from a body of at most 1 MiB,
 * whose validated output is no larger; the cap only stops a hand-made message from inflating
 * without bound in the worker.
 */
export const MAX_INFLATED_PAYLOAD_BYTES = 8 * 1_048_576;

const inflatePayload = (base64: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    const text = gunzipSync(Buffer.from(base64, 'base64'), {
      maxOutputLength: MAX_INFLATED_PAYLOAD_BYTES,
    }).toString('utf8');
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

export const EventEnvelopeSchema = v.pipe(
  EnvelopeFieldsSchema,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const { payload, payloadGzip, ...head } = dataset.value;
    if (payloadGzip === undefined) {
      if (payload === undefined) {
        addIssue({ message: 'Invalid key: Expected "payload" or "payloadGzip"' });
        return NEVER;
      }
      return { ...head, payload: payload as unknown };
    }
    if (payload !== undefined) {
      addIssue({ message: 'Invalid key: Expected "payload" or "payloadGzip", not both' });
      return NEVER;
    }
    const inflated = inflatePayload(payloadGzip);
    if (!inflated.ok) {
      addIssue({
        message: 'Invalid payloadGzip: Expected gzip-compressed JSON',
        path: [
          {
            type: 'object',
            origin: 'value',
            input: dataset.value,
            key: 'payloadGzip',
            value: payloadGzip,
          },
        ],
      });
      return NEVER;
    }
    return { ...head, payload: inflated.value };
  }),
);
export type EventEnvelope = v.InferOutput<typeof EventEnvelopeSchema>;

/** SQS message attribute names carried beside the body, for filtering and redrive tooling. */
export const ENVELOPE_ATTRIBUTES = {
  vendor: 'vendor',
  eventType: 'eventType',
  eventId: 'eventId',
} as const;

/**
 * The queue message for one validated event. Ingest sends it; the fixture generator and replay
 * tools build the same bytes through this one function.
 */
export const toEventEnvelope = (input: {
  vendor: Vendor;
  event: VendorEvent;
  identity: EventIdentity;
  receivedAt: Date;
  requestId: string;
  signedBy?: SignedBy;
}): EventEnvelope => ({
  version: EVENT_ENVELOPE_VERSION,
  vendor: input.vendor,
  eventType: input.identity.eventType,
  eventId: input.identity.eventId,
  eventTime: input.identity.eventTime.toISOString(),
  receivedAt: input.receivedAt.toISOString(),
  requestId: input.requestId,
  supported: input.identity.supported,
  ...(input.signedBy
    ? {
        signedBy: {
          digest: input.signedBy.digest,
          expiresAt: input.signedBy.expiresAt.toISOString(),
        },
      }
    : {}),
  ...(input.event.dropped && input.event.dropped.length > 0
    ? { dropped: input.event.dropped.slice(0, MAX_DROPPED_FIELDS) }
    : {}),
  payload: input.event.payload,
});

/**
 * How the payload travels in the message: as JSON (`payload`), or gzip-compressed and base64
 * encoded (`payloadGzip`) when the JSON would not fit.
 */
export type PayloadForm = 'json' | 'gzip';

/**
 * The envelope as JSON. The payload is the larger part by far; when the `eventId` digest already
 * wrote its canonical JSON (`EventIdentity.canonicalPayload`), that text is spliced in rather
 * than the payload serialized a second time. Any JSON reader sees the same envelope.
 */
export const envelopeJson = (
  envelope: EventEnvelope,
  payloadJson?: string,
  form: PayloadForm = 'json',
): string => {
  const { payload, ...head } = envelope;
  const text = payloadJson ?? JSON.stringify(payload) ?? 'null';
  const field =
    form === 'json' ? `"payload":${text}` : `"payloadGzip":"${gzipSync(text).toString('base64')}"`;
  return `${JSON.stringify(head).slice(0, -1)},${field}}`;
};

/**
 * The queue message for an accepted event: the envelope as JSON, with vendor, event type and
 * `eventId` repeated as message attributes so redrive and inspection tools can filter without
 * parsing bodies.
 */
export const envelopeMessage = (
  envelope: EventEnvelope,
  payloadJson?: string,
  form: PayloadForm = 'json',
): QueueMessage =>
  jsonQueueMessage(envelopeJson(envelope, payloadJson, form), {
    [ENVELOPE_ATTRIBUTES.vendor]: envelope.vendor,
    [ENVELOPE_ATTRIBUTES.eventType]: envelope.eventType,
    [ENVELOPE_ATTRIBUTES.eventId]: envelope.eventId,
  });

/**
 * The message SQS will take for an envelope: the plain one when it fits, else the one with the
 * payload compressed, else `undefined`. A body may be as large as SQS's limit, and the envelope
 * adds its head and any escaping to it; webhook JSON compresses several times over, so a body at
 * the limit is still queued, and only a message that cannot fit even compressed is refused.
 * Compression runs only past the limit, so the usual message costs nothing more.
 */
export const queueableEnvelopeMessage = (
  envelope: EventEnvelope,
  payloadJson?: string,
): QueueMessage | undefined => {
  const plain = envelopeMessage(envelope, payloadJson);
  if (queueMessageBytes(plain) <= SQS_MAX_MESSAGE_BYTES) return plain;
  const compressed = envelopeMessage(envelope, payloadJson, 'gzip');
  return queueMessageBytes(compressed) <= SQS_MAX_MESSAGE_BYTES ? compressed : undefined;
};

/** A parsed delivery turned into its queue message, or why it cannot be queued. */
export type EventMessage =
  | {
      readonly ok: true;
      readonly message: QueueMessage;
      readonly identity: EventIdentity;
      /** Optional fields dropped for failing their format. */
      readonly dropped: readonly DroppedField[];
    }
  | {
      readonly ok: false;
      readonly reason: 'invalid_payload';
      readonly issues: readonly ValidationIssue[];
    }
  | { readonly ok: false; readonly reason: 'too_large'; readonly limitBytes: number };

/**
 * Validate → identify → envelope → message, with the SQS size check (`queueableEnvelopeMessage`): the one path from a parsed
 * delivery to the bytes on the queue. Ingest runs it after authentication; redriving a
 * quarantined delivery runs it again with the original receipt time and request id, so a
 * delivery that passes later is queued exactly as it would have been (same `eventId`).
 */
export const toEventMessage = (input: {
  vendor: Vendor;
  definition: VendorDefinition<VendorEvent>;
  delivery: VendorDelivery;
  receivedAt: Date;
  requestId: string;
  /** The per-delivery signature that authenticated it, when the route has one. */
  signedBy?: SignedBy;
}): EventMessage => {
  const read = input.definition.read(input.delivery);
  if (!read.ok) return { ok: false, reason: 'invalid_payload', issues: read.issues };
  const identity = input.definition.identify(read.value, input.receivedAt);
  const message = queueableEnvelopeMessage(
    toEventEnvelope({
      vendor: input.vendor,
      event: read.value,
      identity,
      receivedAt: input.receivedAt,
      requestId: input.requestId,
      ...(input.signedBy ? { signedBy: input.signedBy } : {}),
    }),
    identity.canonicalPayload,
  );
  if (message === undefined) {
    return { ok: false, reason: 'too_large', limitBytes: SQS_MAX_MESSAGE_BYTES };
  }
  return { ok: true, message, identity, dropped: read.value.dropped ?? [] };
};

/** SQS's hard limit on one message: body plus attribute names, types and values. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** One message, ready to send: its body and its string attributes. */
export interface QueueMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Where ingest puts messages. A port, so the pipeline is tested with an in-memory queue and runs
 * against SQS in AWS and against the local SQS server unchanged. The event queue and the
 * quarantine queue share this shape.
 */
export interface EventQueue {
  /** Resolves once the message is durably on the queue; rejects with `EnqueueError` otherwise. */
  readonly send: (message: QueueMessage) => Promise<void>;
}

/** The queue did not take a message (throttled, timed out, unreachable, refused). */
export class EnqueueError extends ServiceError {
  readonly retryable = true;

  constructor(
    message: string,
    readonly queueUrl: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnqueueError';
  }
}

/**
 * SQS accepts only XML characters. JSON.stringify already escapes control characters and lone
 * surrogates; U+FFFE and U+FFFF pass through it raw and would make SQS refuse the message
 * forever, so they are escaped too (valid JSON, same value).
 */
const escapeNonXmlForJson = (json: string): string =>
  json.replace(/[\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);

const NON_XML_TEXT =
  // Control characters on purpose: these are exactly the characters SQS refuses.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Attributes are informational (the body is authoritative), so unsendable characters become U+FFFD. */
const xmlSafeText = (text: string): string => text.replace(NON_XML_TEXT, '\ufffd');

/**
 * A message SQS will accept from JSON text already written: the body made XML-safe, empty
 * attribute values left out (SQS refuses them), the others made XML-safe.
 */
export const jsonQueueMessage = (
  json: string,
  attributes: Readonly<Record<string, string>>,
): QueueMessage => {
  const safeAttributes: Record<string, string> = {};
  for (const [name, text] of Object.entries(attributes)) {
    if (text.length > 0) safeAttributes[name] = xmlSafeText(text);
  }
  return { body: escapeNonXmlForJson(json), attributes: safeAttributes };
};

/** Encodes a value as a message SQS will accept: JSON body, string attributes. */
export const toQueueMessage = (
  value: unknown,
  attributes: Readonly<Record<string, string>>,
): QueueMessage => jsonQueueMessage(JSON.stringify(value), attributes);

/** The size SQS counts against `SQS_MAX_MESSAGE_BYTES`. */
export const queueMessageBytes = (message: QueueMessage): number => {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, text] of Object.entries(message.attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(text, 'utf8');
  }
  return bytes;
};

/** A failure's code for the message: the AWS or network code, else the error's name. */
const failureCodeOf = (error: unknown): string => {
  if (error instanceof AwsCallError) return error.code;
  return error instanceof Error ? error.name : 'unknown error';
};

/**
 * The SQS adapter: exactly one SendMessage per message (the sender's own bounded retry aside),
 * nothing else. Whatever the sender throws becomes `EnqueueError` here, so the pipeline never
 * sees a client's type. The sender is the lean JSON client on the ingest path
 * (`createSqsMessageSender`) or the SDK's in tools that already hold one.
 */
export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly sender: SqsMessageSender,
    private readonly queueUrl: string,
  ) {}

  readonly send = async (message: QueueMessage): Promise<void> => {
    try {
      await this.sender.sendMessage({
        queueUrl: this.queueUrl,
        body: message.body,
        attributes: message.attributes,
      });
    } catch (error) {
      throw new EnqueueError(`SendMessage failed: ${failureCodeOf(error)}`, this.queueUrl, {
        cause: error,
      });
    }
  };
}
