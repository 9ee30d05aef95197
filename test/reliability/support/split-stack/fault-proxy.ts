import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with the next request. */
export type FaultMode =
  | { readonly kind: 'pass' }
  /** The port is closed: connections are refused, as when the server process is gone. */
  | { readonly kind: 'down' }
  /** This share of requests is answered with DynamoDB's throttling error; the rest pass. */
  | { readonly kind: 'throttle'; readonly ratio: number };

/** DynamoDB's answer when a table's throughput is exceeded (JSON 1.0 protocol, HTTP 400). */
const THROTTLING_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
});

/**
 * An HTTP proxy in front of a local server (local SQS, DynamoDB Local) that can take it away:
 * refuse connections (`down`), or answer a share of requests with a throttling error, without
 * touching the server itself, so nothing the server holds is lost. The handlers are pointed at
 * the proxy through the same `AWS_ENDPOINT_URL_*` variables they always use.
 */
export class FaultProxy {
  readonly #target: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  readonly #port: number;
  #mode: FaultMode = { kind: 'pass' };
  #listening = false;
  /** Requests passed to the server, and answered with throttling. */
  readonly counts = { forwarded: 0, throttled: 0 };

  private constructor(target: string, port: number) {
    this.#target = new URL(target);
    this.#port = port;
    this.#server = createServer((incoming, outgoing) => {
      const mode = this.#mode;
      if (mode.kind === 'throttle' && Math.random() < mode.ratio) {
        this.counts.throttled += 1;
        incoming.resume();
        incoming.on('end', () => {
          outgoing.writeHead(400, {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-errortype': 'ProvisionedThroughputExceededException',
          });
          outgoing.end(THROTTLING_BODY);
        });
        return;
      }
      this.counts.forwarded += 1;
      this.#forward(
        incoming,
        (status, headers, body) => {
          outgoing.writeHead(status, headers);
          body.pipe(outgoing);
        },
        () => outgoing.destroy(),
      );
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a proxy for `target` (an `http://host:port` endpoint) on `port`. */
  static async start(target: string, port: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(target, port);
    await proxy.#listen();
    return proxy;
  }

  /** The endpoint to give the handlers instead of the server's. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get mode(): FaultMode {
    return this.#mode;
  }

  /** Switches the fault; `down` closes the port and drops open connections, `pass` reopens it. */
  async set(mode: FaultMode): Promise<void> {
    this.#mode = mode;
    if (mode.kind === 'down' && this.#listening) {
      this.#listening = false;
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      for (const socket of this.#sockets) socket.destroy();
      await closed;
    } else if (mode.kind !== 'down' && !this.#listening) {
      await this.#listen();
    }
  }

  async close(): Promise<void> {
    await this.set({ kind: 'down' });
    this.#agent.destroy();
  }

  #listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ port: this.#port, host: '127.0.0.1' }, () => {
        this.#server.off('error', reject);
        this.#listening = true;
        resolve();
      });
    });
  }

  #forward(
    incoming: IncomingMessage,
    respond: (status: number, headers: IncomingMessage['headers'], body: IncomingMessage) => void,
    abort: () => void,
  ): void {
    const upstream = request(
      {
        host: this.#target.hostname,
        port: this.#target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent: this.#agent,
      },
      (answer) => respond(answer.statusCode ?? 502, answer.headers, answer),
    );
    upstream.on('error', abort);
    incoming.pipe(upstream);
  }
}
