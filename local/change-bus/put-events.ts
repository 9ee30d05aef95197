import { randomUUID } from 'node:crypto';
import * as v from 'valibot';

/** `PutEvents` as the SDK sends it (JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`). */
const PutEventsRequestSchema = v.object({
  Entries: v.pipe(
    v.array(
      v.object({
        EventBusName: v.optional(v.string()),
        Source: v.optional(v.string()),
        DetailType: v.optional(v.string()),
        Detail: v.optional(v.string()),
        Resources: v.optional(v.array(v.string())),
        Time: v.optional(v.union([v.number(), v.string()])),
      }),
    ),
    v.minLength(1, 'Entries must hold at least 1 entry'),
    v.maxLength(10, 'Entries must hold at most 10 entries'),
  ),
});

/** The event a rule target receives: EventBridge's envelope around the entry's detail. */
export interface DeliveredEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** One entry's answer: the event id, or why it was refused. */
export type EntryResult =
  { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** The bus this server stands for, and the account and region its envelopes carry. */
export interface LocalBus {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
}

/** What one `PutEvents` call came to. */
export type PutEventsOutcome =
  | {
      readonly ok: true;
      readonly events: readonly DeliveredEvent[];
      readonly response: { FailedEntryCount: number; Entries: EntryResult[] };
    }
  | {
      readonly ok: false;
      readonly status: number;
      readonly type: string;
      readonly message: string;
    };

/** `arn:aws:events:<region>:<account>:event-bus/<name>`. */
export const eventBusArn = (bus: LocalBus): string =>
  `arn:aws:events:${bus.region}:${bus.accountId}:event-bus/${bus.name}`;

/** EventBridge's `time`: UTC to the second, as rule targets receive it. */
const eventTime = (now: Date): string => `${now.toISOString().slice(0, 19)}Z`;

const isJsonObject = (text: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
};

/**
 * Answers one `PutEvents` call the way EventBridge does for one custom bus: a malformed request
 * fails whole (`ValidationException`); otherwise each entry is accepted with a fresh event id, or
 * refused on its own (a bus other than this one, no source or detail type, a detail that is not a
 * JSON object), and accepted entries become the events a rule target would get. Pure apart from
 * the ids.
 */
export const putEvents = (body: unknown, bus: LocalBus, now: Date): PutEventsOutcome => {
  const parsed = v.safeParse(PutEventsRequestSchema, body);
  if (!parsed.success) {
    const [issue] = parsed.issues;
    return {
      ok: false,
      status: 400,
      type: 'ValidationException',
      message: `${issue ? (v.getDotPath(issue) ?? 'request') : 'request'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const arn = eventBusArn(bus);
  const events: DeliveredEvent[] = [];
  const entries = parsed.output.Entries.map((entry): EntryResult => {
    const busName = entry.EventBusName ?? 'default';
    if (busName !== bus.name && busName !== arn) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${busName} does not exist.`,
      };
    }
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
      };
    }
    if (!isJsonObject(entry.Detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const event: DeliveredEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: bus.accountId,
      time: eventTime(now),
      region: bus.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail) as unknown,
    };
    events.push(event);
    return { EventId: event.id };
  });
  return {
    ok: true,
    events,
    response: {
      FailedEntryCount: entries.filter((entry) => 'ErrorCode' in entry).length,
      Entries: entries,
    },
  };
};
