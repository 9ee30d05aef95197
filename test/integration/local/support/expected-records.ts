import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bodyFormatOf, parseBody, toIngestRequest } from '../../../../shared/ingest/ingest-request';
import { eventClock, isAnnounced, toImageRecord } from '../../../../shared/record/record-state';
import type { AliasedImageChange, ImageChange } from '../../../../shared/record/image-change';
import type { ImageRecord } from '../../../../shared/record/image-record';
import { mergeAll } from '../../../support/merge-all';
import { VENDOR_DEFINITIONS } from '../../../../shared/vendors/registry';
import type { EventIdentity, VendorEvent } from '../../../../shared/vendors/vendor-definition';
import type { Vendor } from '../../../../shared/vendors/vendor';

/** One delivery the test made: the fixture event and when it was sent. */
export interface SentDelivery {
  readonly vendor: Vendor;
  readonly event: APIGatewayProxyEventV2;
  readonly sentAt: Date;
}

/** A record without the two times that depend on when the stack processed it. */
export type TimelessRecord = Omit<ImageRecord, 'updatedAt' | 'lastEventAt'>;

export const timeless = (record: ImageRecord): TimelessRecord => {
  const { updatedAt: _updatedAt, lastEventAt: _lastEventAt, ...rest } = record;
  return rest;
};

/** One distinct, supported event the deliveries carried, validated, with its identity. */
export interface AppliedEvent {
  readonly vendor: Vendor;
  readonly event: VendorEvent;
  readonly identity: EventIdentity;
}

/**
 * The events the worker applies for these deliveries, in delivery order: each delivery read and
 * validated as ingest does, each distinct eventId once (retries are duplicates), unsupported
 * types left out; `sentAt` stands in for the gateway's receipt time.
 */
export const appliedEvents = (deliveries: readonly SentDelivery[]): AppliedEvent[] => {
  const seen = new Set<string>();
  const applied: AppliedEvent[] = [];
  for (const { vendor, event, sentAt } of deliveries) {
    const definition = VENDOR_DEFINITIONS[vendor];
    if (!definition) throw new Error(`no definition for ${vendor}`);
    const request = toIngestRequest(event, { now: sentAt, requestId: 'expected' });
    const format = bodyFormatOf(request.header('content-type'));
    if (!format) throw new Error(`unsupported content type in ${event.rawPath}`);
    const parsed = parseBody(request.body, format);
    if (!parsed.ok) throw new Error(parsed.message);
    const read = definition.read({
      payload: parsed.payload,
      eventType: request.header('x-sharinpix-event'),
    });
    if (!read.ok) throw new Error(`fixture does not validate: ${JSON.stringify(read.issues)}`);
    const identity = definition.identify(read.value, sentAt);
    if (seen.has(identity.eventId) || !identity.supported) continue;
    seen.add(identity.eventId);
    applied.push({ vendor, event: read.value, identity });
  }
  return applied;
};

/**
 * The records the pipeline must end with after these deliveries, computed with the project's own
 * pure model (vendor definitions, normalizers, the order-safe merge), independently of the
 * queue, the worker and DynamoDB: each distinct eventId counts once (retries are duplicates), and
 * `sentAt` stands in for the gateway's receipt time; a change naming its image by an alias lands
 * on the image that registered the alias. Keyed `<vendor>/<imageId>`.
 */
export const expectedRecords = (
  deliveries: readonly SentDelivery[],
): Map<string, TimelessRecord> => {
  const changes = new Map<string, ImageChange[]>();
  const aliasOf = new Map<string, string>();
  const aliased: AliasedImageChange[] = [];
  for (const { vendor, event, identity } of appliedEvents(deliveries)) {
    const definition = VENDOR_DEFINITIONS[vendor];
    if (!definition) throw new Error(`no definition for ${vendor}`);
    const clock = eventClock(identity.eventTime, identity.eventId);
    for (const change of definition.normalize(event, clock)) {
      const key = `${change.vendor}/${change.imageId}`;
      changes.set(key, [...(changes.get(key) ?? []), change]);
      for (const alias of change.aliases ?? [])
        aliasOf.set(`${change.vendor}/${alias}`, change.imageId);
    }
    aliased.push(...(definition.aliasChanges?.(event, clock) ?? []));
  }
  // A change that names its image only by an alias lands on the image that registered it.
  for (const change of aliased) {
    const imageId = aliasOf.get(`${change.vendor}/${change.alias}`);
    if (imageId === undefined) continue;
    const key = `${change.vendor}/${imageId}`;
    const resolved: ImageChange = {
      vendor: change.vendor,
      imageId,
      clock: change.clock,
      patch: change.patch,
    };
    changes.set(key, [...(changes.get(key) ?? []), resolved]);
  }
  const records = new Map<string, TimelessRecord>();
  for (const [key, imageChanges] of changes) {
    const state = mergeAll(imageChanges);
    // An image only a prediction names is not served (`isAnnounced`).
    if (state && isAnnounced(state)) {
      records.set(key, timeless(toImageRecord(state, new Date(0).toISOString())));
    }
  }
  return records;
};
