import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { byFunction, type FunctionName } from '../../shared/http/routes';
import { ensureTable } from '../../shared/store/ensure-table';
import { LEDGER_TABLE, RECORDS_TABLE } from '../../shared/store/table-definitions';
import { startLocalChangeBus } from '../change-bus/local-change-bus';
import { LOCAL_AWS, startDynamoDbLocal } from '../servers/dynamodb-local';
import { freePort } from '../servers/free-port';
import { startSqsLocal } from '../servers/sqs-local';
import type { LocalWiring } from './lambda-environment';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CHANGE_BUS_NAME,
  LOCAL_REGION,
  LOCAL_TABLE_NAMES,
} from './local-names';
import { ensureQueues } from './queue-layout';
import type { StackFile } from './stack-file';

/** The local servers a function talks to. */
export type ServerNeed = 'sqs' | 'dynamodb' | 'events';

/**
 * Ingest only sends to SQS; the worker and the read API only use DynamoDB; the publisher reads
 * the records table (to count a completed collection) and puts on the change bus.
 */
export const SERVER_NEEDS: Readonly<Record<FunctionName, readonly ServerNeed[]>> = byFunction<
  readonly ServerNeed[]
>(() => ['sqs'], { worker: ['dynamodb'], read: ['dynamodb'], publisher: ['dynamodb', 'events'] });

/** Servers started for one command, and how to reach them. */
export interface TemporaryResources {
  readonly wiring: LocalWiring;
  /** An SQS client on the temporary server (when one was started), to show what was queued. */
  readonly sqs?: SQSClient;
  readonly stop: () => Promise<void>;
}

/** The wiring of a running stack, so a command reuses its servers, queues and tables. */
export const wiringOfStack = (stack: StackFile): LocalWiring => ({
  sqsEndpoint: stack.sqsEndpoint,
  dynamoDbEndpoint: stack.dynamoDbEndpoint,
  queues: stack.queues,
  tables: stack.tables,
  ...(stack.changeBus ? { changeBus: stack.changeBus } : {}),
});

/**
 * Starts just what one function needs, on free ports and in memory, with the same queues, tables
 * and bus as the stack: `npm run invoke` uses it when no stack is running. The temporary bus prints
 * each event it takes to stderr. `stop` removes it all.
 */
export const startResourcesFor = async (
  name: FunctionName,
  options: { visibilityTimeoutSeconds: number },
): Promise<TemporaryResources> => {
  const needs = SERVER_NEEDS[name];
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    let wiring: LocalWiring = {};
    let sqs: SQSClient | undefined;
    if (needs.includes('sqs')) {
      const server = await startSqsLocal({ port: await freePort() });
      stops.push(server.stop);
      const client = new SQSClient({ ...LOCAL_AWS, endpoint: server.endpoint });
      stops.push(async () => client.destroy());
      const queues = await ensureQueues(client, options);
      sqs = client;
      wiring = { ...wiring, sqsEndpoint: server.endpoint, queues };
    }
    if (needs.includes('dynamodb')) {
      const server = await startDynamoDbLocal({ port: await freePort() });
      stops.push(server.stop);
      const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: server.endpoint });
      await ensureTable(client, RECORDS_TABLE, LOCAL_TABLE_NAMES.records);
      await ensureTable(client, LEDGER_TABLE, LOCAL_TABLE_NAMES.ledger);
      client.destroy();
      wiring = { ...wiring, dynamoDbEndpoint: server.endpoint, tables: LOCAL_TABLE_NAMES };
    }
    if (needs.includes('events')) {
      const bus = await startLocalChangeBus({
        bus: { name: LOCAL_CHANGE_BUS_NAME, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
        dataDir: '',
        inMemory: true,
        forwardUrl: undefined,
        print: (line) =>
          console.error(`put on the change bus (discarded when this command ends): ${line}`),
      });
      stops.push(bus.close);
      wiring = { ...wiring, changeBus: { endpoint: bus.endpoint, name: LOCAL_CHANGE_BUS_NAME } };
    }
    return { wiring, ...(sqs ? { sqs } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
