import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDb } from '../../../shared/aws/dynamodb';
import { sharinpixImageEvent } from '../../../bench/inputs/bench-bodies';
import type { EventEnvelope } from '../../../shared/queue/event-queue';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { envelopeOf } from './support/envelopes';
import { createTestPipeline, type TestPipeline } from './support/pipeline';

/**
 * The worker reads the ledger entries of a whole SQS batch ahead, in one BatchGetItem, instead of
 * one GetItem per event in sequence with its writes. Counted from the calls the worker's client
 * makes, per table, against DynamoDB Local.
 */

/** One DynamoDB call: its operation and the table(s) it names. */
interface DynamoDbCall {
  readonly command: string;
  readonly tables: readonly string[];
}

let client: DynamoDBClient;
const calls: DynamoDbCall[] = [];

/** The worker's own client, every call recorded before it goes out. */
let counted: DynamoDb;

beforeAll(() => {
  client = localDynamoDb();
  const lean = localDynamoDbPort();
  counted = {
    call: (operation, input) => {
      const named = input as { TableName?: string; RequestItems?: Record<string, unknown> };
      calls.push({
        command: operation,
        tables: named.TableName ? [named.TableName] : Object.keys(named.RequestItems ?? {}),
      });
      return lean.call(operation, input);
    },
  };
});
afterAll(() => client.destroy());

/** The commands sent to one table since `calls` was last cleared, in order. */
const commandsOn = (table: string): string[] =>
  calls.filter((call) => call.tables.includes(table)).map((call) => call.command);

/** A SharinPix `new_image` of an image of its own: a new event that creates one record. */
const newImageEvent = (requestId = 'first-delivery'): EventEnvelope =>
  envelopeOf('sharinpix', sharinpixImageEvent('new_image', randomUUID()).body, {
    eventType: 'new_image',
    requestId,
  });

const freshPipeline = async (): Promise<TestPipeline> => {
  const pipeline = await createTestPipeline(client, { archiveEvents: false, dynamoDb: counted });
  calls.length = 0;
  return pipeline;
};

describe('the ledger read-ahead of a batch', () => {
  it('reads the entries of a batch of 5 new events with ONE BatchGetItem and no GetItem', async () => {
    // Prepare
    const pipeline = await freshPipeline();
    const events = Array.from({ length: 5 }, () => newImageEvent());

    // Act
    await pipeline.deliver(...events);

    // Assess: one read for the batch, then each event's completion; every event applied.
    const ledgerCommands = commandsOn(pipeline.tables.ledger);
    expect(ledgerCommands[0]).toBe('BatchGetItem');
    expect(ledgerCommands.filter((command) => command === 'BatchGetItem')).toHaveLength(1);
    expect(ledgerCommands).not.toContain('GetItem');
    expect(ledgerCommands.filter((command) => command === 'UpdateItem')).toHaveLength(5);
    expect(pipeline.metrics.count('Applied')).toBe(5);
    expect(pipeline.tally.totals(pipeline.tables.ledger)).toMatchObject({ reads: 1 });
  });

  it('counts repeats of completed events from the read-ahead alone', async () => {
    // Prepare: three events completed, then delivered again by a vendor retry.
    const pipeline = await freshPipeline();
    const events = Array.from({ length: 3 }, () => newImageEvent());
    await pipeline.deliver(...events);
    calls.length = 0;

    // Act
    await pipeline.deliver(...events.map((event) => ({ ...event, requestId: 'vendor-retry' })));

    // Assess: one batch read, one UpdateItem per repeat to count it, nothing on the records.
    expect(commandsOn(pipeline.tables.ledger)).toEqual([
      'BatchGetItem',
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
    ]);
    expect(commandsOn(pipeline.tables.records)).toEqual([]);
    expect(pipeline.metrics.count('Duplicate')).toBe(3);
    const entry = await pipeline.ledger.find(events[0]?.eventId ?? '');
    expect(entry?.deliveries).toEqual(['first-delivery', 'vendor-retry']);
  });

  it('reads again for a second delivery of one event in the batch, which finds it completed', async () => {
    // Prepare: one event twice in one batch (a vendor retry queued beside the first delivery).
    const pipeline = await freshPipeline();
    const event = newImageEvent();
    const other = newImageEvent();

    // Act
    await pipeline.deliver(event, other, { ...event, requestId: 'vendor-retry' });

    // Assess: the read-ahead serves the first delivery of each event; the repeat, run after the
    // first delivery completed the event, reads the entry again and is a plain duplicate (it
    // applies nothing), not one that applied the event concurrently.
    const ledgerCommands = commandsOn(pipeline.tables.ledger);
    expect(ledgerCommands.filter((command) => command === 'BatchGetItem')).toHaveLength(1);
    expect(ledgerCommands.filter((command) => command === 'GetItem')).toHaveLength(1);
    expect(pipeline.metrics.count('Applied')).toBe(2);
    expect(pipeline.metrics.count('Duplicate')).toBe(1);
    const duplicateLine = pipeline.log.lines.find(
      (line) => line.attributes.outcome === 'duplicate',
    );
    expect(duplicateLine?.attributes.appliedConcurrently).toBeUndefined();
    expect(commandsOn(pipeline.tables.records)).toHaveLength(2);
  });
});
