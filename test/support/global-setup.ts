import { startDynamoDbLocal } from '../../local/servers/dynamodb-local';
import { freePort } from '../../local/servers/free-port';
import { startSqsLocal } from '../../local/servers/sqs-local';
import { callsLogFile } from '../../local/iam/calls-log-file';

/**
 * Starts the real local servers once per test run: DynamoDB Local (about 5 s on Java) and
 * local-aws-sqs. Tests find them through `TEST_DYNAMODB_ENDPOINT` and `TEST_SQS_ENDPOINT`; each
 * test creates its own uniquely named tables and queues, so files never share state.
 */
export default async function globalSetup(): Promise<void> {
  // Every stack the tests start records its functions' calls for `npm run grants`.
  process.env.IAM_CALLS_LOG = callsLogFile();
  const [dynamoPort, sqsPort] = await Promise.all([freePort(), freePort()]);
  const [dynamo, sqs] = await Promise.all([
    startDynamoDbLocal({ port: dynamoPort }),
    startSqsLocal({ port: sqsPort }),
  ]);
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_SQS_ENDPOINT = sqs.endpoint;
  (globalThis as { __localServers?: Array<() => Promise<void>> }).__localServers = [
    dynamo.stop,
    sqs.stop,
  ];
}
