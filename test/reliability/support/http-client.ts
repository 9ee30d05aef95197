import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** One request to the stack, byte for byte: nothing is added but `content-length`. */
export interface HttpRequest {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** A response, or `status` 0 when the connection failed before one arrived. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** From the first byte sent to the last byte received. */
  readonly ms: number;
  /** The transport error, when `status` is 0. */
  readonly error?: string;
}

/** Longer than the gateway's 30 s integration timeout, so the gateway always answers first. */
const REQUEST_TIMEOUT_MS = 45_000;

/**
 * A keep-alive HTTP client for the local gateway, built on `node:http` rather than `fetch` so a
 * request carries exactly the headers and bytes a test chose (fetch adds its own and refuses
 * some), and so thousands of requests reuse a bounded pool of sockets.
 */
export class HttpClient {
  readonly #agent: Agent;
  readonly #url: URL;

  constructor(baseUrl: string, options: { maxSockets: number }) {
    this.#url = new URL(baseUrl);
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  }

  send(input: HttpRequest): Promise<HttpResponse> {
    const body = input.body ?? Buffer.alloc(0);
    const startedAt = performance.now();
    return new Promise((resolve) => {
      const settle = (response: Omit<HttpResponse, 'ms'>) =>
        resolve({ ...response, ms: performance.now() - startedAt });
      let outgoing: ReturnType<typeof request>;
      try {
        outgoing = request(
          {
            host: this.#url.hostname,
            port: this.#url.port,
            method: input.method ?? 'POST',
            path: `${input.path}${input.query ? `?${input.query}` : ''}`,
            agent: this.#agent,
            headers: { ...input.headers, 'content-length': String(body.length) },
            timeout: REQUEST_TIMEOUT_MS,
          },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('end', () =>
              settle({
                status: incoming.statusCode ?? 0,
                headers: incoming.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            incoming.on('error', (error) =>
              settle({ status: 0, headers: {}, body: '', error: error.message }),
            );
          },
        );
      } catch (error) {
        settle({ status: 0, headers: {}, body: '', error: String(error) });
        return;
      }
      outgoing.on('timeout', () => outgoing.destroy(new Error('client timeout')));
      outgoing.on('error', (error) =>
        settle({ status: 0, headers: {}, body: '', error: error.message }),
      );
      outgoing.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
