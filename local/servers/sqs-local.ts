import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';

export interface SqsLocal {
  readonly endpoint: string;
  readonly stop: () => Promise<void>;
}

/**
 * Starts `local-aws-sqs` in this process: an SQS server that speaks the SDK's JSON protocol and
 * honours redrive policies, so the same SDK calls as in AWS work unchanged.
 */
export const startSqsLocal = async (options: { port: number }): Promise<SqsLocal> => {
  const server: Server = await createSqsServer({
    port: options.port,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
