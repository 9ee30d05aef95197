import type { _Record as StreamsApiRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { toStreamImage } from '../../shared/changes/stream-image';

/**
 * A stream record as `GetRecords` returns it through the SDK, in the JSON form Lambda hands a
 * function: times as epoch seconds, binary values base64-encoded, and the stream's ARN as
 * `eventSourceARN`.
 */
export const toLambdaRecord = (record: StreamsApiRecord, streamArn: string): DynamoDBRecord => {
  const stream = record.dynamodb;
  return {
    ...(record.eventID === undefined ? {} : { eventID: record.eventID }),
    ...(record.eventName === undefined ? {} : { eventName: record.eventName }),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    ...(record.awsRegion === undefined ? {} : { awsRegion: record.awsRegion }),
    eventSourceARN: streamArn,
    dynamodb: {
      ...(stream?.ApproximateCreationDateTime === undefined
        ? {}
        : { ApproximateCreationDateTime: stream.ApproximateCreationDateTime.getTime() / 1000 }),
      ...(stream?.Keys === undefined ? {} : { Keys: toStreamImage(stream.Keys) }),
      ...(stream?.NewImage === undefined ? {} : { NewImage: toStreamImage(stream.NewImage) }),
      ...(stream?.OldImage === undefined ? {} : { OldImage: toStreamImage(stream.OldImage) }),
      ...(stream?.SequenceNumber === undefined ? {} : { SequenceNumber: stream.SequenceNumber }),
      ...(stream?.SizeBytes === undefined ? {} : { SizeBytes: stream.SizeBytes }),
      ...(stream?.StreamViewType === undefined ? {} : { StreamViewType: stream.StreamViewType }),
    },
  };
};
