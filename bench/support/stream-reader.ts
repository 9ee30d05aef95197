import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { toLambdaRecord } from '../../local/stream-feed/stream-event';

/**
 * Reads a table's stream from its oldest record, in the JSON shape Lambda hands the publisher,
 * and remembers how far it got: each `readNew()` returns exactly the records written since the
 * previous one. The benchmark calls it right after a delivery to get the stream records that one
 * webhook's writes produced (DynamoDB Local puts a write on its stream before answering it).
 */
export class StreamReader {
  /** The last sequence number read, per shard. */
  readonly #read = new Map<string, string>();

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
  ) {}

  /** Every record since the last call, shard by shard in the order DescribeStream lists them. */
  async readNew(): Promise<DynamoDBRecord[]> {
    const described = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    const records: DynamoDBRecord[] = [];
    for (const shard of described.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (shardId === undefined) continue;
      const after = this.#read.get(shardId);
      // A fresh iterator every time, from the last record read: DynamoDB Local refuses an iterator
      // kept from an empty read (`TrimmedDataAccessException`), and iterators expire anyway.
      let iterator = (
        await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: this.streamArn,
            ShardId: shardId,
            ...(after === undefined
              ? { ShardIteratorType: 'TRIM_HORIZON' }
              : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
          }),
        )
      ).ShardIterator;
      // A closed shard ends with no iterator; an open one ends with an empty page.
      while (iterator !== undefined) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const found = page.Records ?? [];
        if (found.length === 0) break;
        records.push(...found.map((record) => toLambdaRecord(record, this.streamArn)));
        const last = found.at(-1)?.dynamodb?.SequenceNumber;
        if (last !== undefined) this.#read.set(shardId, last);
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }
}
