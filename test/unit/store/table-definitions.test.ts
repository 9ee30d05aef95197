import {
  LEDGER_TABLE,
  RECORDS_TABLE,
  toCreateTableInput,
  toTimeToLiveInput,
} from '../../../shared/store/table-definitions';

describe('table definitions', () => {
  it('creates the records table with its key, the byCollection index and a stream of both images', () => {
    // Act
    const input = toCreateTableInput(RECORDS_TABLE, 'records-test');

    // Assess
    expect(input).toEqual({
      TableName: 'records-test',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'collectionKey', AttributeType: 'S' },
        { AttributeName: 'collectionSort', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byCollection',
          KeySchema: [
            { AttributeName: 'collectionKey', KeyType: 'HASH' },
            { AttributeName: 'collectionSort', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(toTimeToLiveInput(RECORDS_TABLE, 'records-test')).toBeUndefined();
  });

  it('creates the ledger keyed by eventId, with the sparse unfinished index and TTL on expiresAt', () => {
    // Act
    const input = toCreateTableInput(LEDGER_TABLE, 'ledger-test');
    const timeToLive = toTimeToLiveInput(LEDGER_TABLE, 'ledger-test');

    // Assess
    expect(input).toEqual({
      TableName: 'ledger-test',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'eventId', AttributeType: 'S' },
        { AttributeName: 'unfinishedVendor', AttributeType: 'S' },
        { AttributeName: 'unfinishedSince', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'eventId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'unfinished',
          KeySchema: [
            { AttributeName: 'unfinishedVendor', KeyType: 'HASH' },
            { AttributeName: 'unfinishedSince', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(input.StreamSpecification).toBeUndefined();
    expect(timeToLive).toEqual({
      TableName: 'ledger-test',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});
