import { createServer, type Server } from 'node:http';

/**
 * A minimal Secrets Manager endpoint (the JSON 1.1 protocol's GetSecretValue only) on loopback.
 * No local emulator ships with the project, and the real SDK client has to be exercised over HTTP
 * to count its calls; this answers exactly what the adapter asks.
 */
export interface FakeSecretsManager {
  readonly endpoint: string;
  /** Requests received, by `X-Amz-Target` operation. */
  readonly requests: string[];
  /** The SecretString served; change it to simulate a rotation. */
  secretString: string;
  /** When true, every request answers 500, as an outage would. */
  failing: boolean;
  readonly stop: () => Promise<void>;
}

export const startFakeSecretsManager = async (
  secretString: string,
): Promise<FakeSecretsManager> => {
  const state = { secretString, failing: false };
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    request.resume();
    request.on('end', () => {
      requests.push(target.replace(/^secretsmanager\./, ''));
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (state.failing) {
        response.statusCode = 500;
        response.end(JSON.stringify({ __type: 'InternalServiceError', message: 'unavailable' }));
        return;
      }
      if (target !== 'secretsmanager.GetSecretValue') {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'InvalidRequestException', message: target }));
        return;
      }
      response.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhooks-AbCdEf',
          Name: 'webhooks',
          SecretString: state.secretString,
          VersionId: 'a1b2c3d4-0000-4000-8000-000000000001',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get secretString() {
      return state.secretString;
    },
    set secretString(value: string) {
      state.secretString = value;
    },
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
