import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** DynamoDB's answer when a table's throughput is exceeded (JSON 1.0 protocol, HTTP 400). */
const THROTTLING_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
});

/**
 * The attempt number the SDK and the lean client write on every request they send
 * (`amz-sdk-request: attempt=2; max=8`), so the proxy can throttle a call's first attempts and let
 * a later one through.
 */
export const sdkAttemptOf = (header: string | string[] | undefined): number => {
  const text = Array.isArray(header) ? header.join(';') : (header ?? '');
  const match = /attempt=(\d+)/.exec(text);
  return match?.[1] === undefined ? 1 : Number(match[1]);
};

/**
 * An HTTP proxy in front of DynamoDB Local that answers the first `throttledAttempts` attempts of
 * every call with DynamoDB's throttling error, as a table over its throughput does, and forwards
 * the later attempts to the real server. It counts the requests of each kind.
 */
export class ThrottlingProxy {
  readonly counts = { throttled: 0, forwarded: 0 };
  /** How many attempts of each call are throttled: 0 passes everything. */
  throttledAttempts = 0;
  readonly #server: Server;
  #endpoint = '';

  private constructor(upstream: URL) {
    this.#server = createServer((incoming, outgoing) => {
      if (sdkAttemptOf(incoming.headers['amz-sdk-request']) <= this.throttledAttempts) {
        this.counts.throttled += 1;
        incoming.resume();
        incoming.on('end', () => {
          outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          outgoing.end(THROTTLING_BODY);
        });
        return;
      }
      this.counts.forwarded += 1;
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    });
  }

  /** Starts a proxy for `target` (an `http://host:port` endpoint) on a free port. */
  static async start(target: string): Promise<ThrottlingProxy> {
    const proxy = new ThrottlingProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.#server.address() as AddressInfo;
    proxy.#endpoint = `http://127.0.0.1:${port}`;
    return proxy;
  }

  /** The endpoint to give a client instead of DynamoDB Local's. */
  get endpoint(): string {
    return this.#endpoint;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
