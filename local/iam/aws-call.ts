import * as v from 'valibot';
import type { LocalArnScope } from './template-bindings';

/**
 * The services the functions call, by the prefix of their JSON protocol's `X-Amz-Target`. The
 * stream reads are the ones the publisher's event source mapping makes with its role.
 */
export const SERVICE_TARGETS = {
  dynamodb: 'DynamoDB_20120810.',
  dynamodbstreams: 'DynamoDBStreams_20120810.',
  sqs: 'AmazonSQS.',
  secretsmanager: 'secretsmanager.',
  events: 'AWSEvents.',
} as const;
export type LocalService = keyof typeof SERVICE_TARGETS;

/**
 * SQS batch operations have no IAM action of their own: IAM authorizes each as the operation it
 * batches (a role with `sqs:DeleteMessage` may call DeleteMessageBatch).
 */
const SQS_BATCH_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** One API call as IAM authorizes it. */
export interface AwsCall {
  readonly service: LocalService;
  /** `service:Operation`, e.g. `dynamodb:GetItem`. */
  readonly action: string;
  readonly resource: string;
}

const DynamoDbBodySchema = v.object({
  TableName: v.optional(v.string()),
  IndexName: v.optional(v.string()),
  /** BatchGetItem and BatchWriteItem name their tables as the keys of this map instead. */
  RequestItems: v.optional(v.record(v.string(), v.unknown())),
});

/**
 * The table a DynamoDB request is about: `TableName`, or for a batch operation the one table its
 * `RequestItems` names. IAM authorizes a batch on each table it names, so a batch over several
 * tables is several decisions; no function makes one, so it is left unattributed (`undefined`),
 * and the proxy refuses it rather than judge it on one table alone.
 */
const dynamoDbTableOf = (
  body: v.InferOutput<typeof DynamoDbBodySchema>,
): { table: string | undefined } | undefined => {
  if (body.RequestItems === undefined) return { table: body.TableName };
  const tables = Object.keys(body.RequestItems);
  return tables.length === 1 ? { table: tables[0] } : undefined;
};
const SqsBodySchema = v.object({ QueueUrl: v.optional(v.string()) });
const SecretsBodySchema = v.object({ SecretId: v.optional(v.string()) });
const StreamsBodySchema = v.object({
  StreamArn: v.optional(v.string()),
  ShardIterator: v.optional(v.string()),
});
const EventsBodySchema = v.object({
  Entries: v.optional(v.array(v.object({ EventBusName: v.optional(v.string()) }))),
});

/**
 * A stream's ARN in the local account and region. DynamoDB Local names its streams in its own
 * (`arn:aws:dynamodb:ddblocal:000000000000:table/…/stream/…`); the rest of the ARN is the table's.
 */
export const localStreamArn = (streamArn: string, scope: LocalArnScope): string =>
  streamArn.replace(
    /^arn:aws:dynamodb:[^:]*:[^:]*:/,
    `arn:aws:dynamodb:${scope.region}:${scope.accountId}:`,
  );

/** `arn:aws:events:<region>:<account>:event-bus/<name>`, or the ARN given instead of a name. */
const eventBusArnOf = (nameOrArn: string, scope: LocalArnScope): string =>
  nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:aws:events:${scope.region}:${scope.accountId}:event-bus/${nameOrArn}`;

/**
 * The secret ARN a `SecretId` stands for: the ARN itself, or the ARN of the local secret of that
 * name (`SecretId` may be either, as in Secrets Manager).
 */
export type SecretArnOf = (secretId: string) => string | undefined;

/**
 * Which action on which resource an SDK request asks for, from its `X-Amz-Target` header and JSON
 * body, as the service's authorization does: DynamoDB on the table, or on `table/<t>/index/<i>`
 * when the request names an index, a batch (`BatchGetItem`) on the one table it names (a batch
 * naming several tables is not attributed); a stream read (`dynamodb:GetRecords`, …) on the stream, named
 * by its ARN or inside its shard iterator; SQS on the queue the URL names; Secrets Manager on the
 * secret; `events:PutEvents` on the bus its entries name (a request naming several buses is not
 * attributed). `undefined` for a request that is not one of these services' JSON calls.
 */
export const awsCallOf = (
  target: string | undefined,
  body: unknown,
  scope: LocalArnScope,
  secretArnOf: SecretArnOf,
): AwsCall | undefined => {
  if (target === undefined) return undefined;
  const { region, accountId } = scope;
  for (const [service, prefix] of Object.entries(SERVICE_TARGETS) as [LocalService, string][]) {
    if (!target.startsWith(prefix)) continue;
    const operation = target.slice(prefix.length);
    const action = `${service}:${(service === 'sqs' ? SQS_BATCH_ACTIONS[operation] : undefined) ?? operation}`;
    switch (service) {
      case 'dynamodb': {
        const parsed = v.safeParse(DynamoDbBodySchema, body);
        const named = parsed.success ? dynamoDbTableOf(parsed.output) : { table: undefined };
        if (named === undefined) return undefined;
        const { table } = named;
        if (table === undefined) return { service, action, resource: '*' };
        const tableArn = `arn:aws:dynamodb:${region}:${accountId}:table/${table}`;
        const index = parsed.success ? parsed.output.IndexName : undefined;
        return {
          service,
          action,
          resource: index === undefined ? tableArn : `${tableArn}/index/${index}`,
        };
      }
      case 'sqs': {
        const parsed = v.safeParse(SqsBodySchema, body);
        const url = parsed.success ? parsed.output.QueueUrl : undefined;
        const name = url?.split('/').pop();
        return {
          service,
          action,
          resource: name ? `arn:aws:sqs:${region}:${accountId}:${name}` : '*',
        };
      }
      case 'secretsmanager': {
        const parsed = v.safeParse(SecretsBodySchema, body);
        const id = parsed.success ? parsed.output.SecretId : undefined;
        return { service, action, resource: (id && secretArnOf(id)) ?? id ?? '*' };
      }
      case 'dynamodbstreams': {
        const parsed = v.safeParse(StreamsBodySchema, body);
        // A shard iterator starts with its stream's ARN (DynamoDB Local's, as AWS's, are opaque
        // to clients but carry it); IAM authorizes GetRecords on that stream.
        const arn = parsed.success
          ? (parsed.output.StreamArn ?? parsed.output.ShardIterator?.split('|')[0])
          : undefined;
        return {
          service,
          action: `dynamodb:${operation}`,
          resource: arn?.startsWith('arn:') ? localStreamArn(arn, scope) : '*',
        };
      }
      case 'events': {
        const parsed = v.safeParse(EventsBodySchema, body);
        const buses = new Set(
          (parsed.success ? (parsed.output.Entries ?? []) : []).map((entry) =>
            eventBusArnOf(entry.EventBusName ?? 'default', scope),
          ),
        );
        if (buses.size > 1) return undefined;
        const [bus] = buses;
        return { service, action, resource: bus ?? '*' };
      }
    }
  }
  return undefined;
};

/** The access key id a SigV4 `Authorization` header was signed with. */
export const accessKeyIdOf = (authorization: string | undefined): string | undefined =>
  authorization?.match(/Credential=([^/,\s]+)\//)?.[1];

/** What a denied call answers, in the shape each service uses, so the SDK raises its real error. */
export interface DeniedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The refusal AWS sends: DynamoDB and DynamoDB Streams `AccessDeniedException` (400), SQS
 * `AccessDenied` (403, with the query-compatible error header the SDK reads the code from), Secrets
 * Manager and EventBridge `AccessDeniedException` (400). The message is IAM's own sentence.
 */
export const deniedResponse = (call: AwsCall, principalArn: string): DeniedResponse => {
  const message = `User: ${principalArn} is not authorized to perform: ${call.action} on resource: ${call.resource} because no identity-based policy allows the ${call.action} action`;
  const json = { 'content-type': 'application/x-amz-json-1.0' };
  switch (call.service) {
    case 'dynamodb':
    case 'dynamodbstreams':
      return {
        status: 400,
        headers: json,
        body: JSON.stringify({
          __type: 'com.amazon.coral.service#AccessDeniedException',
          Message: message,
        }),
      };
    case 'sqs':
      return {
        status: 403,
        headers: { ...json, 'x-amzn-query-error': 'AccessDenied;Sender' },
        body: JSON.stringify({
          __type: 'com.amazon.coral.service#AccessDeniedException',
          message,
        }),
      };
    case 'secretsmanager':
    case 'events':
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ __type: 'AccessDeniedException', Message: message }),
      };
  }
};
