/**
 * AWS list prices used by the cost model: US East (N. Virginia), public pricing pages as of
 * 2025 (DynamoDB on-demand after the 2024-11-01 reduction), first usage tier, free tiers ignored.
 * Lambda on arm64, as the stack deploys it.
 */
export const PRICES = {
  region: 'us-east-1',
  priceDate: '2025 list prices (DynamoDB on-demand as reduced 2024-11-01)',
  /** API Gateway HTTP API, per million requests (first 300 M/month; each 512 KB counts one). */
  httpApiPerMillion: 1.0,
  /** API Gateway REST API, per million requests (first 333 M/month), the reference design. */
  restApiPerMillion: 3.5,
  /** Lambda, per million requests. */
  lambdaRequestsPerMillion: 0.2,
  /** Lambda arm64, per GB-second (first 7.5 B GB-s/month). */
  lambdaArmPerGbSecond: 0.0000133334,
  /** SQS standard queue, per million requests (each 64 KB chunk of payload is one request). */
  sqsPerMillion: 0.4,
  /** DynamoDB on-demand, per million write / read request units. */
  dynamoDbWritePerMillion: 0.625,
  dynamoDbReadPerMillion: 0.125,
  /**
   * EventBridge custom events put on a bus, per million (each 64 KB chunk of a `PutEvents` entry
   * counts as one event). Delivery to rule targets on the same bus is not charged again.
   */
  eventBridgePerMillion: 1.0,
  /**
   * DynamoDB Streams reads: `GetRecords` calls made by Lambda for a DynamoDB trigger are free
   * (other readers pay $0.02 per 100,000 read request units).
   */
  streamReadsFromLambdaPerMillion: 0,
  /** CloudWatch Logs ingestion, per GB (shown, not part of the goal's scope). */
  logsIngestionPerGb: 0.5,
} as const;

/** SQS bills each 64 KB chunk of a request's payload as one request. */
export const SQS_CHUNK_BYTES = 64 * 1024;
