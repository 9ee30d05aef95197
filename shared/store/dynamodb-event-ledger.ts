import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { EventEnvelope } from '../queue/event-queue';
import { type CapacityListener, ignoreCapacity, unitsOf } from './dynamodb-item';
import type {
  ClaimOutcome,
  ClaimRequest,
  CompleteRequest,
  EventLedger,
  FailureNote,
  SignatureBinding,
} from './event-ledger';
import { deliveryCount, fromLedgerItem, type LedgerEntry } from './ledger-item';
import {
  CorruptItemError,
  LeaseHeldError,
  LeaseLostError,
  StoreOperationError,
} from './store-errors';

/**
 * The event ledger on DynamoDB: the decision table a claim is judged by (`decideClaim`), and the
 * adapter that claims, completes and fails events with conditional writes (`DynamoDbEventLedger`).
 * They belong together because the decision is made from the very item image the adapter's claim
 * returns (`ALL_OLD`): the table and the write it interprets are read side by side. The decision
 * stays a pure function, unit-tested without DynamoDB.
 */

/**
 * What a claim found, decided from the ledger entry as it was before this claim touched it (the
 * claim's `ALL_OLD` image). Pure, so every branch is unit-tested without DynamoDB.
 */
export type ClaimDecision =
  /** No entry: the claim's own write created it, so this message owns the event. */
  | { readonly kind: 'claimed' }
  /** This message already owned the unfinished event: an SQS redelivery after a crash. */
  | { readonly kind: 'resumed' }
  /** Finished within the dedupe window: counted, not applied. */
  | { readonly kind: 'duplicate'; readonly deliveries: number }
  /** Another delivery is processing under a live lease. */
  | { readonly kind: 'held'; readonly leaseUntil?: string }
  /** Stale lease, or finished outside the window: take over with a conditional write. */
  | { readonly kind: 'takeover'; readonly previous: LedgerEntry };

/** Who is claiming, when, and how long a finished event stays a duplicate. */
export interface ClaimContext {
  readonly messageId: string;
  /** The vendor delivery (gateway request id): what duplicates are counted by. */
  readonly deliveryId: string;
  readonly now: Date;
  readonly dedupeWindowSeconds: number;
}

/** Where the dedupe window of a finished entry starts counting: its completion. */
const finishedAt = (entry: LedgerEntry): string => entry.completedAt ?? entry.claimedAt;

/** The earliest finish time still inside the dedupe window. */
export const windowStart = (now: Date, dedupeWindowSeconds: number): string =>
  new Date(now.getTime() - dedupeWindowSeconds * 1000).toISOString();

/**
 * The decision table. The window is checked here against `completedAt`, not left to TTL, which
 * deletes expired items up to about 48 hours late. A finished event counts as a duplicate even
 * for the message that finished it (an SQS redelivery after the batch response was lost), so it
 * is never applied twice; `deliveries` is a set of vendor deliveries, so neither that case nor
 * one delivery queued twice inflates the count (past the listed ones, see `deliveryCount`).
 */
export const decideClaim = (
  previous: LedgerEntry | undefined,
  context: ClaimContext,
): ClaimDecision => {
  if (previous === undefined) return { kind: 'claimed' };
  const nowIso = context.now.toISOString();
  if (previous.status !== 'processing') {
    if (finishedAt(previous) > windowStart(context.now, context.dedupeWindowSeconds)) {
      const known =
        previous.deliveries.includes(context.deliveryId) ||
        previous.lastDelivery === context.deliveryId;
      return { kind: 'duplicate', deliveries: deliveryCount(previous) + (known ? 0 : 1) };
    }
    return { kind: 'takeover', previous };
  }
  if (previous.owner === context.messageId) return { kind: 'resumed' };
  if (previous.leaseUntil !== undefined && previous.leaseUntil > nowIso) {
    return { kind: 'held', leaseUntil: previous.leaseUntil };
  }
  return { kind: 'takeover', previous };
};

/**
 * Largest compressed archive kept on a ledger item. DynamoDB items stop at 400 KB; an envelope
 * that does not compress below this is completed without its archive (and says so) rather than
 * failing an event that was applied correctly.
 */
export const MAX_ARCHIVE_BYTES = 350 * 1024;

/** Longest error text noted on an entry: enough for a class name, a key and a few paths. */
const MAX_ERROR_TEXT = 500;

/** The error noted when a delivery takes over an event whose previous lease ran out. */
export const ABANDONED_LEASE = 'lease expired: the previous attempt crashed or timed out';

/**
 * Most refused images listed on a ledger entry (`refusedImages`); `imagesRefused` counts them all.
 * Each entry is an image id (at most 256 characters) and a reason, so the list stays under 30 KB.
 */
export const MAX_LISTED_REFUSALS = 100;

/**
 * Most deliveries listed by id on a ledger entry (`deliveries`); later ones are counted in
 * `moreDeliveries`. With ids of at most `MAX_DELIVERY_ID_LENGTH` characters the list stays under
 * 4 KB, so the entry (archive, refusals and notes at their caps included) stays under DynamoDB's
 * 400 KB item limit however often an event is repeated. Before this cap, every repeat added an id
 * to the item that also holds the archive, and past about 1,000 repeats the claim itself failed.
 */
export const MAX_LISTED_DELIVERIES = 50;

/** Longest delivery id kept as is; a longer one is kept as a digest (gateway ids are ~16). */
const MAX_DELIVERY_ID_LENGTH = 64;

/** Most notes listed on a ledger entry (`notes`), each at most `MAX_NOTE_LENGTH` characters. */
export const MAX_LISTED_NOTES = 20;
const MAX_NOTE_LENGTH = 300;

/** The ledger's client, table and timing; the worker fills it from `WorkerConfig`. */
export interface DynamoDbEventLedgerOptions {
  /** Created once per process by the caller, never per call. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Completed events are duplicates for this long (contract default: 7 days). */
  readonly dedupeWindowSeconds: number;
  /** How long a claim holds before another delivery may take the event over. */
  readonly leaseSeconds: number;
  /** How long an archived envelope is kept, when longer than the dedupe window. */
  readonly archiveRetentionSeconds: number;
  readonly onCapacity?: CapacityListener;
  readonly now?: () => Date;
}

/**
 * Every attribute is written `#name` in expressions (`archive`, `status` and `owner` are among
 * DynamoDB's reserved words), and the name map is derived from the expressions themselves, so it
 * never lists a name an expression does not use (which DynamoDB also refuses).
 */
const attributeNamesOf = (...expressions: Array<string | undefined>): Record<string, string> => {
  const names: Record<string, string> = {};
  for (const expression of expressions) {
    for (const [alias, name] of (expression ?? '').matchAll(/#(\w+)/g)) {
      if (name !== undefined) names[alias] = name;
    }
  }
  return names;
};

/**
 * The ledger key of a signature binding. Event ids start with a vendor name, so `signature#…`
 * never names an event; these items carry `boundTo` and `expiresAt` only.
 */
export const signatureKey = (digest: string): string => `signature#${digest}`;

/** The id a delivery is counted by: the gateway request id, or a digest of an unusually long one. */
const deliveryKey = (deliveryId: string): string =>
  deliveryId.length <= MAX_DELIVERY_ID_LENGTH
    ? deliveryId
    : `sha256:${createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)}`;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const plusSeconds = (date: Date, seconds: number): Date =>
  new Date(date.getTime() + seconds * 1000);
const text = (value: string): AttributeValue => ({ S: value });
const number = (value: number): AttributeValue => ({ N: String(value) });

/**
 * The event ledger in DynamoDB. On the happy path an event costs two writes and no read:
 *
 * - **Claim**: ONE UpdateItem that sets the claim fields only where they are absent
 *   (`if_not_exists`), adds the delivery (the envelope's gateway request id) to `deliveries`, and
 *   returns the item as it was before (`ALL_OLD`). `decideClaim` reads that old image: no item
 *   means we own the event; otherwise it is ours already, a counted duplicate, held by a live
 *   lease, or up for takeover. Its one condition keeps `deliveries` to `MAX_LISTED_DELIVERIES`
 *   ids: past them, the refused claim still returns the item, and a duplicate is counted with a
 *   second UpdateItem (`moreDeliveries`), so only the 51st and later repeats cost two writes.
 * - **Takeover** (rare): ONE UpdateItem whose condition re-checks, on the server, the previous
 *   owner and that its lease has expired or its completion lies outside the dedupe window; a lost
 *   race becomes `LeaseHeldError`.
 * - **Complete**: ONE UpdateItem conditioned on `owner = this messageId`, which records the
 *   result (with the images refused, if any), optionally the gzip-compressed envelope, and the
 *   TTL.
 */
export class DynamoDbEventLedger implements EventLedger {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly dedupeWindowSeconds: number;
  private readonly leaseSeconds: number;
  private readonly archiveRetentionSeconds: number;
  private readonly onCapacity: CapacityListener;
  private readonly now: () => Date;

  constructor(options: DynamoDbEventLedgerOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.dedupeWindowSeconds = options.dedupeWindowSeconds;
    this.leaseSeconds = options.leaseSeconds;
    this.archiveRetentionSeconds = options.archiveRetentionSeconds;
    this.onCapacity = options.onCapacity ?? ignoreCapacity;
    this.now = options.now ?? (() => new Date());
  }

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const now = this.now();
    const delivery = deliveryKey(request.deliveryId);
    const previous = await this.claimUpdate(request, delivery, now);
    const decision = decideClaim(previous.entry, {
      messageId: request.messageId,
      deliveryId: delivery,
      now,
      dedupeWindowSeconds: this.dedupeWindowSeconds,
    });
    // A delivery past the listed ones is counted once it is known not to be retried (held).
    if (!previous.listed && (decision.kind === 'duplicate' || decision.kind === 'takeover')) {
      await this.countUnlisted(request.eventId, delivery);
    }
    switch (decision.kind) {
      case 'claimed':
      case 'resumed':
        return { kind: decision.kind };
      case 'duplicate':
        return { kind: 'duplicate', deliveries: decision.deliveries };
      case 'held':
        throw new LeaseHeldError(request.eventId, decision.leaseUntil);
      case 'takeover':
        await this.takeOver(request, decision.previous, now);
        return { kind: 'claimed' };
    }
  }

  /**
   * The claim's UpdateItem, and the entry as it was before it. `listed` is false when the entry
   * already lists `MAX_LISTED_DELIVERIES` other deliveries: then the condition refuses the write
   * and DynamoDB returns the entry with the refusal.
   */
  private async claimUpdate(
    request: ClaimRequest,
    delivery: string,
    now: Date,
  ): Promise<{ entry: LedgerEntry | undefined; listed: boolean }> {
    let output: UpdateItemCommandOutput;
    try {
      output = await this.update('claim', {
        Key: { eventId: text(request.eventId) },
        UpdateExpression: [
          'SET #status = if_not_exists(#status, :processing)',
          '#owner = if_not_exists(#owner, :messageId)',
          '#leaseUntil = if_not_exists(#leaseUntil, :leaseUntil)',
          '#claimedAt = if_not_exists(#claimedAt, :now)',
          '#expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          '#vendor = if_not_exists(#vendor, :vendor)',
          '#eventType = if_not_exists(#eventType, :eventType)',
          '#receivedAt = if_not_exists(#receivedAt, :receivedAt)',
        ]
          .join(', ')
          .concat(' ADD #deliveries :delivery'),
        ExpressionAttributeValues: {
          ':processing': text('processing'),
          ':messageId': text(request.messageId),
          ':leaseUntil': text(plusSeconds(now, this.leaseSeconds).toISOString()),
          ':now': text(now.toISOString()),
          ':expiresAt': number(epochSeconds(plusSeconds(now, this.dedupeWindowSeconds))),
          ':vendor': text(request.vendor),
          ':eventType': text(request.eventType),
          ':receivedAt': text(request.receivedAt),
          ':delivery': { SS: [delivery] },
          ':deliveryText': text(delivery),
          ':listedCap': number(MAX_LISTED_DELIVERIES),
        },
        ConditionExpression:
          'attribute_not_exists(#deliveries) OR size(#deliveries) < :listedCap OR ' +
          'contains(#deliveries, :deliveryText)',
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || error.Item === undefined) {
        throw error;
      }
      return { entry: this.parse(error.Item, request.eventId), listed: false };
    }
    const entry = output.Attributes && this.parse(output.Attributes, request.eventId);
    return { entry, listed: true };
  }

  /**
   * Counts a delivery past the listed ones: ONE UpdateItem adding 1 to `moreDeliveries`, unless
   * it is the delivery counted last (the same delivery queued twice arrives back to back). Not
   * idempotent beyond that: a message SQS delivers again after a worker timeout is counted again,
   * so past the listed deliveries the count is a count of at least every delivery.
   */
  private async countUnlisted(eventId: string, delivery: string): Promise<void> {
    try {
      await this.update('count', {
        Key: { eventId: text(eventId) },
        UpdateExpression:
          'SET #moreDeliveries = if_not_exists(#moreDeliveries, :zero) + :one, #lastDelivery = :delivery',
        ConditionExpression:
          'attribute_exists(#eventId) AND (attribute_not_exists(#lastDelivery) OR #lastDelivery <> :delivery)',
        ExpressionAttributeValues: {
          ':zero': number(0),
          ':one': number(1),
          ':delivery': text(delivery),
        },
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  async complete(request: CompleteRequest): Promise<void> {
    const now = this.now();
    const archive = request.archive && this.compress(request.archive);
    const keepSeconds = Math.max(
      this.dedupeWindowSeconds,
      archive?.kept ? this.archiveRetentionSeconds : 0,
    );
    const refused = request.refused ?? [];
    const notes = request.notes ?? [];
    const sets = [
      '#status = :status',
      '#completedAt = :now',
      '#expiresAt = :expiresAt',
      '#imagesApplied = :imagesApplied',
      ...(refused.length > 0
        ? ['#imagesRefused = :imagesRefused', '#refusedImages = :refused']
        : []),
      ...(notes.length > 0 ? ['#notes = :notes', '#noteCount = :noteCount'] : []),
      ...(archive?.kept ? ['#archive = :archive'] : []),
      ...(archive && !archive.kept ? ['#archiveSkipped = :archiveSkipped'] : []),
    ];
    try {
      await this.update('complete', {
        Key: { eventId: text(request.eventId) },
        // Removing the index keys writes to the index only where they were set (after a failure).
        UpdateExpression: `SET ${sets.join(', ')} REMOVE #leaseUntil, #unfinishedVendor, #unfinishedSince`,
        ConditionExpression: '#owner = :messageId',
        ExpressionAttributeValues: {
          ':status': text(request.status),
          ':now': text(now.toISOString()),
          ':expiresAt': number(epochSeconds(plusSeconds(now, keepSeconds))),
          ':imagesApplied': number(request.imagesApplied),
          ':messageId': text(request.messageId),
          ...(refused.length > 0
            ? {
                ':imagesRefused': number(refused.length),
                ':refused': text(JSON.stringify(refused.slice(0, MAX_LISTED_REFUSALS))),
              }
            : {}),
          ...(notes.length > 0
            ? {
                ':notes': text(
                  JSON.stringify(
                    notes.slice(0, MAX_LISTED_NOTES).map((note) => note.slice(0, MAX_NOTE_LENGTH)),
                  ),
                ),
                ':noteCount': number(notes.length),
              }
            : {}),
          ...(archive?.kept ? { ':archive': { B: archive.bytes } } : {}),
          ...(archive && !archive.kept ? { ':archiveSkipped': text('too_large') } : {}),
        },
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new LeaseLostError(request.eventId, request.messageId);
      }
      throw error;
    }
  }

  /**
   * Binds a per-delivery signature to its event with ONE conditional UpdateItem (1 write unit: the
   * item is about 150 bytes) on the item `signature#<digest>` of this table: it records the
   * event on first sight and succeeds again for the same event (an SQS redelivery, a resumed
   * claim), and fails for any other event. The item lives until the signature expires (TTL), after
   * which ingest refuses the signature anyway.
   */
  async bindSignature(request: SignatureBinding): Promise<'bound' | 'reused'> {
    try {
      await this.update('bind', {
        Key: { eventId: text(signatureKey(request.digest)) },
        UpdateExpression:
          'SET #boundTo = if_not_exists(#boundTo, :eventId), #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_not_exists(#boundTo) OR #boundTo = :eventId',
        ExpressionAttributeValues: {
          ':eventId': text(request.eventId),
          ':expiresAt': number(epochSeconds(new Date(request.expiresAt))),
        },
      });
      return 'bound';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'reused';
      throw error;
    }
  }

  async noteFailure(request: FailureNote): Promise<void> {
    const now = this.now().toISOString();
    try {
      await this.update('failure', {
        Key: { eventId: text(request.eventId) },
        UpdateExpression:
          'SET #failures = if_not_exists(#failures, :zero) + :one, #lastError = :error, ' +
          '#lastFailedAt = :now, #unfinishedVendor = :vendor, ' +
          '#unfinishedSince = if_not_exists(#unfinishedSince, :now)',
        ConditionExpression: '#status = :processing',
        ExpressionAttributeValues: {
          ':zero': number(0),
          ':one': number(1),
          ':error': text(request.error.slice(0, MAX_ERROR_TEXT) || 'Error'),
          ':now': text(now),
          ':vendor': text(request.vendor),
          ':processing': text('processing'),
        },
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /** The conditional write that moves an abandoned or expired event to this message. */
  private async takeOver(request: ClaimRequest, previous: LedgerEntry, now: Date): Promise<void> {
    const abandoned = previous.status === 'processing';
    try {
      await this.update('takeover', {
        Key: { eventId: text(request.eventId) },
        UpdateExpression:
          'SET #status = :processing, #owner = :messageId, #leaseUntil = :leaseUntil, ' +
          '#claimedAt = :now, #expiresAt = :expiresAt' +
          // An abandoned lease is a failed attempt (a crash or a timeout): note it and index it.
          (abandoned
            ? ', #failures = if_not_exists(#failures, :zero) + :one, #lastError = :abandoned, ' +
              '#lastFailedAt = :now, #unfinishedVendor = :vendor, ' +
              '#unfinishedSince = if_not_exists(#unfinishedSince, :now)'
            : '') +
          ' REMOVE #completedAt, #imagesApplied, #imagesRefused, #refusedImages, #notes, #noteCount, #archive, #archiveSkipped',
        ConditionExpression:
          '#owner = :previousOwner AND ((#status = :processing AND #leaseUntil <= :now) OR ' +
          '(#status IN (:completed, :ignored, :refused) AND #completedAt <= :windowStart))',
        ExpressionAttributeValues: {
          ':processing': text('processing'),
          ':completed': text('completed'),
          ':ignored': text('ignored'),
          ':refused': text('refused'),
          ':messageId': text(request.messageId),
          ':previousOwner': text(previous.owner),
          ':leaseUntil': text(plusSeconds(now, this.leaseSeconds).toISOString()),
          ':now': text(now.toISOString()),
          ':windowStart': text(windowStart(now, this.dedupeWindowSeconds)),
          ':expiresAt': number(epochSeconds(plusSeconds(now, this.dedupeWindowSeconds))),
          ...(abandoned
            ? {
                ':zero': number(0),
                ':one': number(1),
                ':abandoned': text(ABANDONED_LEASE),
                ':vendor': text(request.vendor),
              }
            : {}),
        },
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new LeaseHeldError(request.eventId, undefined);
      }
      throw error;
    }
  }

  private compress(envelope: EventEnvelope): { kept: boolean; bytes: Uint8Array } {
    const bytes = gzipSync(JSON.stringify(envelope));
    return { kept: bytes.byteLength <= MAX_ARCHIVE_BYTES, bytes };
  }

  /**
   * One UpdateItem with consumed capacity reported. A failed condition is rethrown as is (the
   * caller gives it meaning) after its estimated unit is reported; anything else becomes a
   * `StoreOperationError`.
   */
  private async update(
    purpose: 'claim' | 'count' | 'takeover' | 'complete' | 'bind' | 'failure',
    input: Omit<
      UpdateItemCommandInput,
      'TableName' | 'ReturnConsumedCapacity' | 'ExpressionAttributeNames'
    >,
  ): Promise<UpdateItemCommandOutput> {
    try {
      const output = await this.client.send(
        new UpdateItemCommand({
          ...input,
          ExpressionAttributeNames: attributeNamesOf(
            input.UpdateExpression,
            input.ConditionExpression,
          ),
          TableName: this.tableName,
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      this.onCapacity({
        tableName: this.tableName,
        operation: 'UpdateItem',
        ...unitsOf(output.ConsumedCapacity, 'write'),
        reported: true,
      });
      return output;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        this.onCapacity({
          tableName: this.tableName,
          operation: 'UpdateItem',
          readUnits: 0,
          writeUnits: 1,
          indexWriteUnits: 0,
          reported: false,
        });
        throw error;
      }
      throw new StoreOperationError(`UpdateItem (${purpose})`, this.tableName, { cause: error });
    }
  }

  private parse(item: Record<string, AttributeValue>, eventId: string): LedgerEntry {
    const parsed = fromLedgerItem(item);
    if (!parsed.ok) {
      const reason = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      throw new CorruptItemError(this.tableName, eventId, reason);
    }
    return parsed.value;
  }
}
