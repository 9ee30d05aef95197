import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { toLambdaRecord } from '../../../local/stream-feed/stream-event';
import { completionChangeId } from '../../../shared/changes/change-id';
import { streamChangeOf } from '../../../shared/changes/stream-change';

/**
 * The changes that must be published: every record of the records table's stream (every write
 * DynamoDB committed), read from its oldest record to its newest, each turned into the change it
 * stands for by the product's own reading of a stream record. Writes that changed nothing a
 * reader sees, removals and alias items stand for none. Keyed by `changeId`, with a label.
 */
export const committedChanges = async (
  streams: DynamoDBStreamsClient,
  streamArn: string,
): Promise<Map<string, string>> => {
  const changes = new Map<string, string>();
  const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of described.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        const change = streamChangeOf(toLambdaRecord(record, streamArn));
        if (change.kind === 'image') {
          const { detail } = change;
          changes.set(detail.changeId, `${detail.vendor}/${detail.imageId} rev ${detail.revision}`);
        } else if (change.kind === 'completion') {
          const { vendor, collection, cause } = change.completion;
          changes.set(
            completionChangeId(vendor, cause.eventId),
            `${vendor} ${collection.kind} ${collection.id} completed by ${cause.eventId}`,
          );
        }
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return changes;
};

const ChangeIdSchema = v.object({ detail: v.object({ changeId: v.string() }) });

/**
 * A consumer of `--forward-changes`: answers 500 while `failing`, else 204, and counts the
 * change ids of what it accepted (a change published twice is counted twice).
 */
export class ChangeConsumer {
  readonly received = new Map<string, number>();
  failing = false;
  refused = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<ChangeConsumer> {
    const server = createServer();
    const consumer = new ChangeConsumer(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (consumer.failing) {
          consumer.refused += 1;
          res.writeHead(500).end();
          return;
        }
        const parsed = v.safeParse(
          ChangeIdSchema,
          JSON.parse(Buffer.concat(chunks).toString('utf8')),
        );
        if (parsed.success) {
          const id = parsed.output.detail.changeId;
          consumer.received.set(id, (consumer.received.get(id) ?? 0) + 1);
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return consumer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/changes`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}
