import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AttributeValue, UpdateItemInput, UpdateItemOutput } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedError, type DynamoDb } from '../aws/dynamodb';
import type { EventEnvelope } from '../queue/event-queue';
import { type CapacityListener, ignoreCapacity, unitsOf } from './dynamodb-item';
import type {
  Attempt,
  CheckOutcome,
  CheckRequest,
  CompleteOutcome,
  CompleteRequest,
  EventLedger,
  FailureNote,
  LedgerEvent,
  SignatureBinding,
} from './event-ledger';
import { deliveryCount, fromLedgerItem, type LedgerEntry } from './ledger-item';
import { CHECK_PROJECTION, LedgerReadAhead, readLedgerItems } from './ledger-read-ahead';
import { CorruptItemError, StoreOperationError } from './store-errors';

/**
 * The event ledger on DynamoDB: the decision table a check is judged by (`decideCheck`), and the
 * adapter that checks, completes and notes failures with one read and conditional writes
 * (`DynamoDbEventLedger`). They belong together because the decision is made from the very item
 * the adapter's check reads: the table and the entry it interprets are read side by side. The
 * decision stays a pure function, unit-tested without DynamoDB.
 */

/**
 * How a duplicate delivery is counted on the entry: `known` when it is counted already (listed,
 * or the last one counted past the list: an SQS redelivery, or one delivery queued twice), so
 * nothing is written; `listed` when the list has room for it; `unlisted` past the list.
 */
export type DeliveryCounting = 'known' | 'listed' | 'unlisted';

/** A duplicate, with how to count it. */
export type DuplicateDecision = Extract<CheckOutcome, { kind: 'duplicate' }> & {
  readonly counting: DeliveryCounting;
};

/** What the check decided: the outcome, and for a duplicate how its delivery is counted. */
export type CheckDecision = Exclude<CheckOutcome, { kind: 'duplicate' }> | DuplicateDecision;

/** When a delivery looks at the ledger, and how long a finished event stays a duplicate. */
export interface DuplicateContext {
  /** The vendor delivery (gateway request id, or its digest): what duplicates are counted by. */
  readonly deliveryId: string;
  readonly now: Date;
  readonly dedupeWindowSeconds: number;
  /** How many deliveries the entry lists by id before counting the rest (`moreDeliveries`). */
  readonly listedCap: number;
}

/** The context of a check: the duplicate context, and the attempt that checks. */
export interface CheckContext extends DuplicateContext {
  readonly attempt: Attempt;
}

/** The earliest completion still inside the dedupe window. */
export const windowStart = (now: Date, dedupeWindowSeconds: number): string =>
  new Date(now.getTime() - dedupeWindowSeconds * 1000).toISOString();

/** How `lastFailedAttempt` names an attempt. */
export const attemptKey = (attempt: Attempt): string =>
  `${attempt.messageId}#${attempt.receiveCount}`;

/**
 * The duplicate an entry makes of this delivery, or undefined when the event is to be applied.
 * The window is checked here against `completedAt`, not left to TTL, which deletes expired items
 * up to about 48 hours late. A finished event counts as a duplicate even for the message that
 * finished it (an SQS redelivery after the batch response was lost), so it is never applied
 * twice; `deliveries` is a set of vendor deliveries, so neither that case nor one delivery queued
 * twice inflates the count (past the listed ones, see `deliveryCount`).
 */
export const duplicateOf = (
  entry: LedgerEntry | undefined,
  context: DuplicateContext,
): DuplicateDecision | undefined => {
  if (entry === undefined || entry.status === 'processing' || entry.completedAt === undefined) {
    return undefined;
  }
  if (entry.completedAt <= windowStart(context.now, context.dedupeWindowSeconds)) return undefined;
  const known =
    entry.deliveries.includes(context.deliveryId) || entry.lastDelivery === context.deliveryId;
  const counting: DeliveryCounting = known
    ? 'known'
    : entry.deliveries.length < context.listedCap
      ? 'listed'
      : 'unlisted';
  return {
    kind: 'duplicate',
    deliveries: deliveryCount(entry) + (known ? 0 : 1),
    counting,
  };
};

/**
 * The check's decision table, from the entry one eventually consistent read returned. Pure, so
 * every branch is unit-tested without DynamoDB.
 *
 * - Completed, ignored or refused within the window: a duplicate.
 * - Received before (SQS's receive count above 1), not finished: a retry. The previous receive
 *   of this message left no note if it crashed or timed out (a failure it caught is noted with
 *   its attempt), so `unfinishedAttempt` asks for one: without a lease, nothing else would show
 *   that attempt. A finished entry outside the window takes no note (`noteFailure` leaves
 *   finished entries alone).
 * - A `processing` entry (another message's attempt failed): a retry, noted already.
 * - Otherwise (no entry, or finished outside the window): new.
 *
 * A stale read changes nothing that matters: an entry missed or read unfinished leads to an
 * apply that changes nothing more, and `complete`'s condition then counts it as a duplicate.
 */
export const decideCheck = (
  entry: LedgerEntry | undefined,
  context: CheckContext,
): CheckDecision => {
  const duplicate = duplicateOf(entry, context);
  if (duplicate !== undefined) return duplicate;
  const unfinished = entry === undefined || entry.status === 'processing';
  const { attempt } = context;
  if (attempt.receiveCount > 1) {
    const previous = attemptKey({ ...attempt, receiveCount: attempt.receiveCount - 1 });
    return {
      kind: 'retry',
      unfinishedAttempt: unfinished && entry?.lastFailedAttempt !== previous,
    };
  }
  if (entry?.status === 'processing') return { kind: 'retry', unfinishedAttempt: false };
  return { kind: 'new' };
};

/**
 * Largest compressed archive kept on a ledger item. DynamoDB items stop at 400 KB; an envelope
 * that does not compress below this is completed without its archive (and says so) rather than
 * failing an event that was applied correctly.
 */
export const MAX_ARCHIVE_BYTES = 350 * 1024;

/** Longest error text noted on an entry: enough for a class name, a key and a few paths. */
const MAX_ERROR_TEXT = 500;

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
 * to the item that also holds the archive, and past about 1,000 repeats the write itself failed.
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
  readonly client: DynamoDb;
  readonly tableName: string;
  /** Completed events are duplicates for this long (contract default: 7 days). */
  readonly dedupeWindowSeconds: number;
  /** How long an archived envelope is kept, when longer than the dedupe window. */
  readonly archiveRetentionSeconds: number;
  readonly onCapacity?: CapacityListener;
  readonly now?: () => Date;
}

/**
 * Every attribute is written `#name` in expressions (`archive` and `status` are among DynamoDB's
 * reserved words), and the name map is derived from the expressions themselves, so it never lists
 * a name an expression does not use (which DynamoDB also refuses).
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

/** Keeps `deliveries` to `MAX_LISTED_DELIVERIES` ids, the one being added counted among them. */
const LISTED_ROOM =
  '(attribute_not_exists(#deliveries) OR size(#deliveries) < :listedCap OR ' +
  'contains(#deliveries, :deliveryText))';

/** An entry that may be completed: none yet, unfinished, or finished outside the window. */
const COMPLETABLE =
  '(attribute_not_exists(#status) OR #status = :processing OR #completedAt <= :windowStart)';

/**
 * The event ledger in DynamoDB. On the happy path an event costs one read and one write:
 *
 * - **Check**: ONE GetItem, eventually consistent (0.5 read units for an entry up to 4 KB), and
 *   `decideCheck` decides from it. A duplicate is counted with ONE UpdateItem (none when this
 *   delivery is counted already); anything else is applied.
 * - **Complete**: ONE UpdateItem that creates the entry or finishes it: the identity fields where
 *   absent (`if_not_exists`), the result (with the images refused, if any), optionally the
 *   gzip-compressed envelope, the TTL, and this delivery in `deliveries`. Its condition admits
 *   only an entry that is absent, unfinished, or finished outside the window; when it fails,
 *   another delivery completed the event meanwhile and this one is counted as a duplicate.
 *
 * Nothing holds an event while it is applied, so two deliveries may apply it at once. That is
 * safe: the record merge is idempotent and commutative and every image write is conditional on
 * the record's revision, so the second apply finds every change applied (`stale`: no write, no
 * stream record, no change event), and the completion outbox item is written only if absent.
 */
export class DynamoDbEventLedger implements EventLedger {
  private readonly client: DynamoDb;
  private readonly tableName: string;
  private readonly dedupeWindowSeconds: number;
  private readonly archiveRetentionSeconds: number;
  private readonly onCapacity: CapacityListener;
  private readonly now: () => Date;

  constructor(options: DynamoDbEventLedgerOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.dedupeWindowSeconds = options.dedupeWindowSeconds;
    this.archiveRetentionSeconds = options.archiveRetentionSeconds;
    this.onCapacity = options.onCapacity ?? ignoreCapacity;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The entries of a batch's events with ONE BatchGetItem (per 100 ids), eventually consistent
   * and projected to what a check decides on, like the check's own read (`readLedgerItems`).
   */
  async readAhead(eventIds: readonly string[]): Promise<LedgerReadAhead> {
    const items = await readLedgerItems(
      { client: this.client, tableName: this.tableName, onCapacity: this.onCapacity },
      eventIds,
    );
    return new LedgerReadAhead(items);
  }

  async check(request: CheckRequest, ahead?: LedgerReadAhead): Promise<CheckOutcome> {
    const delivery = deliveryKey(request.deliveryId);
    const preread = ahead?.take(request.eventId);
    const entry = preread
      ? preread.item && this.parse(preread.item, request.eventId)
      : await this.read(request.eventId);
    const decision = decideCheck(entry, {
      deliveryId: delivery,
      attempt: request.attempt,
      now: this.now(),
      dedupeWindowSeconds: this.dedupeWindowSeconds,
      listedCap: MAX_LISTED_DELIVERIES,
    });
    if (decision.kind !== 'duplicate') return decision;
    await this.countDelivery(request.eventId, delivery, decision.counting);
    return { kind: 'duplicate', deliveries: decision.deliveries };
  }

  /**
   * The event's entry, read eventually consistent (half the read units of a strong read) and
   * projected to what the check decides on.
   */
  private async read(eventId: string): Promise<LedgerEntry | undefined> {
    let item: Record<string, AttributeValue> | undefined;
    try {
      const output = await this.client.call('GetItem', {
        TableName: this.tableName,
        Key: { eventId: text(eventId) },
        ConsistentRead: false,
        ...CHECK_PROJECTION,
        ReturnConsumedCapacity: 'TOTAL',
      });
      this.onCapacity({
        tableName: this.tableName,
        operation: 'GetItem',
        ...unitsOf(output.ConsumedCapacity, 'read'),
        reported: true,
      });
      item = output.Item;
    } catch (error) {
      throw new StoreOperationError('GetItem (check)', this.tableName, { cause: error });
    }
    return item && this.parse(item, eventId);
  }

  /**
   * Counts a duplicate delivery on the entry: nothing for one counted already, ONE UpdateItem
   * adding it to `deliveries` while the list has room (a condition keeps it to
   * `MAX_LISTED_DELIVERIES`, which a concurrent delivery may have filled since the read), and
   * past the list ONE UpdateItem adding 1 to `moreDeliveries`, unless it is the delivery counted
   * last (the same delivery queued twice arrives back to back). Not idempotent beyond that: a
   * message SQS delivers again after a worker timeout is counted again, so past the listed
   * deliveries the count is a count of at least every delivery.
   */
  private async countDelivery(
    eventId: string,
    delivery: string,
    counting: DeliveryCounting,
  ): Promise<void> {
    if (counting === 'known') return;
    if (counting === 'listed') {
      try {
        await this.update('count', {
          Key: { eventId: text(eventId) },
          UpdateExpression: 'ADD #deliveries :delivery',
          ConditionExpression: `attribute_exists(#eventId) AND ${LISTED_ROOM}`,
          ExpressionAttributeValues: {
            ':delivery': { SS: [delivery] },
            ':deliveryText': text(delivery),
            ':listedCap': number(MAX_LISTED_DELIVERIES),
          },
        });
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedError)) throw error;
        // The list filled since the read: count this one past it.
      }
    }
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
      if (error instanceof ConditionalCheckFailedError) return;
      throw error;
    }
  }

  async complete(request: CompleteRequest): Promise<CompleteOutcome> {
    const now = this.now();
    const delivery = deliveryKey(request.deliveryId);
    // This delivery goes into `deliveries` while the list has room, else into `moreDeliveries`.
    for (const counting of ['listed', 'unlisted'] as const) {
      try {
        await this.update('complete', this.completion(request, delivery, counting, now));
        return { kind: 'completed' };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedError) || error.item === undefined) {
          throw error;
        }
        const duplicate = duplicateOf(this.parse(error.item, request.eventId), {
          deliveryId: delivery,
          now,
          dedupeWindowSeconds: this.dedupeWindowSeconds,
          listedCap: MAX_LISTED_DELIVERIES,
        });
        if (duplicate !== undefined) {
          await this.countDelivery(request.eventId, delivery, duplicate.counting);
          return { kind: 'duplicate', deliveries: duplicate.deliveries };
        }
        // Still completable, so the list was full: complete again, counting past it.
      }
    }
    throw new StoreOperationError('UpdateItem (complete)', this.tableName, {
      cause: new Error(`event ${request.eventId}: completion refused with the list counted past`),
    });
  }

  /**
   * The completion's UpdateItem. It also removes what an earlier completion outside the window
   * left that this one does not set (refusals, notes, an archive), so the entry describes this
   * application only; failures noted stay.
   */
  private completion(
    request: CompleteRequest,
    delivery: string,
    counting: 'listed' | 'unlisted',
    now: Date,
  ): Omit<UpdateItemInput, 'TableName' | 'ReturnConsumedCapacity' | 'ExpressionAttributeNames'> {
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
      ...this.identitySets(),
      ...(refused.length > 0
        ? ['#imagesRefused = :imagesRefused', '#refusedImages = :refused']
        : []),
      ...(notes.length > 0 ? ['#notes = :notes', '#noteCount = :noteCount'] : []),
      ...(archive?.kept ? ['#archive = :archive'] : []),
      ...(archive && !archive.kept ? ['#archiveSkipped = :archiveSkipped'] : []),
      ...(counting === 'unlisted'
        ? [
            '#moreDeliveries = if_not_exists(#moreDeliveries, :zero) + :one',
            '#lastDelivery = :deliveryText',
          ]
        : []),
    ];
    // Removing the index keys writes to the index only where they were set (after a failure).
    const removes = [
      '#unfinishedVendor',
      '#unfinishedSince',
      ...(refused.length > 0 ? [] : ['#imagesRefused', '#refusedImages']),
      ...(notes.length > 0 ? [] : ['#notes', '#noteCount']),
      ...(archive?.kept ? [] : ['#archive']),
      ...(archive && !archive.kept ? [] : ['#archiveSkipped']),
    ];
    return {
      Key: { eventId: text(request.eventId) },
      UpdateExpression:
        `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}` +
        (counting === 'listed' ? ' ADD #deliveries :delivery' : ''),
      ConditionExpression:
        counting === 'listed' ? `${COMPLETABLE} AND ${LISTED_ROOM}` : COMPLETABLE,
      ExpressionAttributeValues: {
        ...this.identityValues(request, now),
        ':status': text(request.status),
        ':processing': text('processing'),
        ':windowStart': text(windowStart(now, this.dedupeWindowSeconds)),
        ':expiresAt': number(epochSeconds(plusSeconds(now, keepSeconds))),
        ':imagesApplied': number(request.imagesApplied),
        ':deliveryText': text(delivery),
        ...(counting === 'listed'
          ? { ':delivery': { SS: [delivery] }, ':listedCap': number(MAX_LISTED_DELIVERIES) }
          : { ':zero': number(0), ':one': number(1) }),
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
      // On a lost race, the entry as the other delivery completed it: counted as a duplicate.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }

  /** The fields that name the event, set by whichever write creates its entry. */
  private identitySets(): string[] {
    return [
      '#firstSeenAt = if_not_exists(#firstSeenAt, :now)',
      '#vendor = if_not_exists(#vendor, :vendor)',
      '#eventType = if_not_exists(#eventType, :eventType)',
      '#receivedAt = if_not_exists(#receivedAt, :receivedAt)',
    ];
  }

  private identityValues(event: LedgerEvent, now: Date): Record<string, AttributeValue> {
    return {
      ':now': text(now.toISOString()),
      ':vendor': text(event.vendor),
      ':eventType': text(event.eventType),
      ':receivedAt': text(event.receivedAt),
    };
  }

  /**
   * Binds a per-delivery signature to its event with ONE conditional UpdateItem (1 write unit: the
   * item is about 150 bytes) on the item `signature#<digest>` of this table: it records the
   * event on first sight and succeeds again for the same event (an SQS redelivery, a retry after a
   * failure), and fails for any other event. The item lives until the signature expires (TTL),
   * after which ingest refuses the signature anyway.
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
      if (error instanceof ConditionalCheckFailedError) return 'reused';
      throw error;
    }
  }

  /**
   * ONE UpdateItem that creates the entry as `processing` when the event has none (the first
   * failure of an event is where its entry starts, with the TTL of the dedupe window) or adds to
   * an unfinished one: the failure count, the error, the attempt, and the keys of the sparse
   * `unfinished` index. A finished entry is left alone.
   */
  async noteFailure(request: FailureNote): Promise<void> {
    const now = this.now();
    try {
      await this.update('failure', {
        Key: { eventId: text(request.eventId) },
        UpdateExpression: `SET ${[
          '#status = :processing',
          ...this.identitySets(),
          '#expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          '#failures = if_not_exists(#failures, :zero) + :one',
          '#lastError = :error',
          '#lastFailedAt = :now',
          '#lastFailedAttempt = :attempt',
          '#unfinishedVendor = :vendor',
          '#unfinishedSince = if_not_exists(#unfinishedSince, :now)',
        ].join(', ')}`,
        ConditionExpression: 'attribute_not_exists(#status) OR #status = :processing',
        ExpressionAttributeValues: {
          ...this.identityValues(request, now),
          ':processing': text('processing'),
          ':expiresAt': number(epochSeconds(plusSeconds(now, this.dedupeWindowSeconds))),
          ':zero': number(0),
          ':one': number(1),
          ':error': text(request.error.slice(0, MAX_ERROR_TEXT) || 'Error'),
          ':attempt': text(attemptKey(request.attempt)),
        },
      });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) return;
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
    purpose: 'count' | 'complete' | 'bind' | 'failure',
    input: Omit<
      UpdateItemInput,
      'TableName' | 'ReturnConsumedCapacity' | 'ExpressionAttributeNames'
    >,
  ): Promise<UpdateItemOutput> {
    try {
      const output = await this.client.call('UpdateItem', {
        ...input,
        ExpressionAttributeNames: attributeNamesOf(
          input.UpdateExpression,
          input.ConditionExpression,
        ),
        TableName: this.tableName,
        ReturnConsumedCapacity: 'INDEXES',
      });
      this.onCapacity({
        tableName: this.tableName,
        operation: 'UpdateItem',
        ...unitsOf(output.ConsumedCapacity, 'write'),
        reported: true,
      });
      return output;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) {
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
