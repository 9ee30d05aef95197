import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsCallError, errorCodeOf, isRetryableAnswer, networkCodeOf } from './aws-call-error';
import { awsEndpoint } from './aws-endpoint';
import type { AwsEnvironment, AwsServiceId } from './aws-environment';

/** What the signer hands in: text, or bytes in any of the forms it produces. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: SourceData): Buffer | string => {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
};

/**
 * SHA-256, and HMAC-SHA-256 when constructed with a key, on Node's own crypto: the hash
 * constructor `@smithy/signature-v4` asks for. The SDK's Node clients use the same primitive
 * (`@smithy/hash-node`); these few lines keep that package and its buffer helpers out of the
 * ingest bundles. Kept in this file, with the transport below, because both are private details of
 * the one client, and each file on the webhook's data path is one more for a reader to open.
 */
class NodeSha256 {
  readonly #secret: SourceData | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#fresh();
  }

  update(data: SourceData): void {
    this.#hash.update(toBuffer(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', toBuffer(this.#secret));
  }
}

/** One signed POST, as the transport sends it. */
export interface AwsHttpRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The whole attempt (connect, send, answer) must finish within this. */
  readonly timeoutMs: number;
}

/** The answer, read in full. Header names are lower case. */
export interface AwsHttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Sends one request and reads its answer; rejects only when no answer came. A port, so the JSON
 * client is tested with a scripted transport and runs over sockets otherwise.
 */
export type AwsHttpTransport = (request: AwsHttpRequest) => Promise<AwsHttpResponse>;

/** The attempt ran past its deadline (named as the SDK names it, so logs read the same). */
export class AwsTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Node's HTTP modules, taken as CommonJS objects rather than through `import`: the bundles are ES
 * modules, and an ES import of `node:http` builds a module facade that reads every export,
 * including the lazy `WebSocket`/`MessageEvent` getters that load undici (tens of milliseconds of
 * cold start for code that never runs). The SDK's handler `require`d them, and so do we.
 */
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/**
 * Connections are kept open between invocations of a warm container, as the SDK keeps them: a
 * TLS handshake per webhook would cost more than the call itself. Created on first use, so a
 * function that never calls AWS over one protocol never builds its agent.
 */
let httpsAgent: HttpsAgent | undefined;
let httpAgent: HttpAgent | undefined;

const headersOf = (
  raw: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string | undefined> => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
};

/**
 * The transport over `node:http`/`node:https` with keep-alive agents. Why not the global `fetch`:
 * it loads undici on first use, which is more code to parse on a cold start than these two
 * built-in modules, and its timeouts need an `AbortController` per call besides.
 */
export const nodeHttpTransport: AwsHttpTransport = (request) =>
  new Promise<AwsHttpResponse>((resolve, reject) => {
    const secure = request.url.protocol === 'https:';
    const agent = secure
      ? (httpsAgent ??= new https.Agent({ keepAlive: true }))
      : (httpAgent ??= new http.Agent({ keepAlive: true }));
    const send = secure ? https.request : http.request;
    const outgoing = send(
      request.url,
      {
        method: 'POST',
        agent,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        incoming.on('end', () => {
          clearTimeout(timer);
          resolve({
            statusCode: incoming.statusCode ?? 0,
            headers: headersOf(incoming.headers),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(
      () => outgoing.destroy(new AwsTimeoutError(request.timeoutMs)),
      request.timeoutMs,
    );
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });

/** How one service speaks the AWS JSON protocol. */
export interface AwsJsonService {
  /** The signing name and endpoint prefix: `sqs`, `secretsmanager`, `dynamodb`. */
  readonly id: AwsServiceId;
  /** `1.0` (SQS, DynamoDB) or `1.1` (Secrets Manager): the `application/x-amz-json-*` type. */
  readonly jsonVersion: '1.0' | '1.1';
  /** The `X-Amz-Target` prefix before the operation: `AmazonSQS`, `DynamoDB_20120810`. */
  readonly targetPrefix: string;
  /**
   * Writes the service's blobs as the protocol's base64 text as an input is serialized (a
   * `JSON.stringify` replacer), for a service whose inputs carry bytes; without it the input is
   * serialized as it is, with no function called per value.
   */
  readonly writeBlobs?: (this: unknown, key: string, value: unknown) => unknown;
  /**
   * Turns the service's base64 blobs back into bytes as an answer is parsed (a `JSON.parse`
   * reviver): the protocol sends a blob as base64 text, and only the service's own shapes say
   * which fields are blobs.
   */
  readonly reviveBlobs?: (key: string, value: unknown) => unknown;
  /**
   * The service's own error for an answer whose body the caller needs, or undefined for the
   * generic `AwsCallError` (DynamoDB's refused condition carries the item it was judged on).
   */
  readonly errorOfAnswer?: (
    operation: string,
    code: string,
    body: unknown,
  ) => AwsCallError | undefined;
}

export interface AwsJsonClientOptions {
  readonly service: AwsJsonService;
  readonly environment: AwsEnvironment;
  /** Attempts per call, the first included: 1 means no retry. */
  readonly maxAttempts: number;
  /** The deadline of each attempt, connecting included. */
  readonly attemptTimeoutMs: number;
  /**
   * The pause before retry `retry` (1 for the first), where a client's budget needs its own
   * curve; without it the pause is drawn uniformly below 100 ms times the retry's number (full
   * jitter, growing linearly).
   */
  readonly retryDelayMs?: (retry: number) => number;
  /** Injectable for tests: the wire, the clock used to sign, randomness and waiting. */
  readonly transport?: AwsHttpTransport;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The default pause's ceiling per retry (see `retryDelayMs`). */
const DEFAULT_BACKOFF_STEP_MS = 100;

/**
 * The retry quota of the SDK's standard retry strategy, kept per client (so per container): a
 * retry spends 5 tokens (10 after a timeout) from 500, a call that succeeds gives back what its
 * last retry spent (1 when it made none), and a failure that finds too few tokens is not retried.
 * Why: when a service is down, every call of every message would otherwise spend its whole
 * budget of waits, holding each message past its visibility timeout; with the quota spent, calls
 * fail at once and their messages are retried by the queue, as they were with the SDK.
 */
const RETRY_QUOTA = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;
const NO_RETRY_INCREMENT = 1;

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

const parseJson = (
  text: string,
  reviver: ((key: string, value: unknown) => unknown) | undefined,
): unknown => {
  if (text === '') return {};
  try {
    return JSON.parse(text, reviver) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * A minimal AWS JSON protocol client: one signed POST per attempt, a bounded retry for what is
 * worth retrying, and every failure as an `AwsCallError`. Why not the SDK's client: on the ingest
 * path it made up most of each bundle (its middleware stack, endpoint rules, error tables and
 * credential chain) and most of the cold start, for two operations with flat JSON inputs. Requests
 * are signed with the SDK's own SigV4 signer, so what reaches AWS (and the local IAM proxy) is
 * signed by the same code as before, for the same action and resource. Create one per container.
 */
export class AwsJsonClient {
  readonly #options: AwsJsonClientOptions;
  readonly #transport: AwsHttpTransport;
  readonly #signer: SignatureV4 | undefined;
  readonly #endpoint: URL | undefined;
  readonly #contentType: string;
  /** What is left of the retry quota (`RETRY_QUOTA`). */
  #retryTokens = RETRY_QUOTA;

  constructor(options: AwsJsonClientOptions) {
    this.#options = options;
    this.#transport = options.transport ?? nodeHttpTransport;
    this.#endpoint = awsEndpoint(options.service.id, options.environment);
    this.#contentType = `application/x-amz-json-${options.service.jsonVersion}`;
    const { region, credentials } = options.environment;
    this.#signer =
      region === undefined || credentials === undefined
        ? undefined
        : new SignatureV4({
            service: options.service.id,
            region,
            credentials,
            sha256: NodeSha256,
          });
  }

  /**
   * Calls `operation` with `input` and resolves with the parsed answer, or rejects with an
   * `AwsCallError` once the attempts are spent or the error is not retryable.
   */
  async call(operation: string, input: object): Promise<unknown> {
    const { maxAttempts } = this.#options;
    const body = JSON.stringify(input, this.#options.service.writeBlobs);
    let spent = 0;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.#attempt(operation, body, attempt).then(
        (output) => ({ ok: true as const, output }),
        (error: unknown) => ({ ok: false as const, error: this.#asCallError(operation, error) }),
      );
      if (outcome.ok) {
        this.#retryTokens = Math.min(
          RETRY_QUOTA,
          this.#retryTokens + (spent || NO_RETRY_INCREMENT),
        );
        return outcome.output;
      }
      if (!outcome.error.retryable || attempt >= maxAttempts) throw outcome.error;
      const cost = outcome.error.code === 'TimeoutError' ? TIMEOUT_RETRY_COST : RETRY_COST;
      if (this.#retryTokens < cost) throw outcome.error;
      this.#retryTokens -= cost;
      spent = cost;
      await (this.#options.sleep ?? defaultSleep)(this.#retryDelayMs(attempt));
    }
  }

  #retryDelayMs(retry: number): number {
    const { retryDelayMs, random = Math.random } = this.#options;
    if (retryDelayMs !== undefined) return retryDelayMs(retry);
    return Math.floor(random() * DEFAULT_BACKOFF_STEP_MS * retry);
  }

  async #attempt(operation: string, body: string, attempt: number): Promise<unknown> {
    const endpoint = this.#endpoint;
    const signer = this.#signer;
    const service = this.#options.service;
    if (endpoint === undefined || signer === undefined) {
      throw new AwsCallError({
        service: service.id,
        operation,
        code: endpoint === undefined ? 'RegionMissing' : 'CredentialsMissing',
        retryable: false,
      });
    }
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
        path: endpoint.pathname,
        query: {},
        headers: {
          host: endpoint.host,
          'content-type': this.#contentType,
          'x-amz-target': `${service.targetPrefix}.${operation}`,
        },
        body,
      },
      { signingDate: (this.#options.now ?? (() => new Date()))() },
    );
    const response = await this.#transport({
      url: endpoint,
      // The attempt, as the SDK states it on every request (`amz-sdk-request`), unsigned.
      headers: {
        ...signed.headers,
        'amz-sdk-request': `attempt=${attempt}; max=${this.#options.maxAttempts}`,
      },
      body,
      timeoutMs: this.#options.attemptTimeoutMs,
    });
    return this.#read(operation, response);
  }

  #read(operation: string, response: AwsHttpResponse): unknown {
    const { service } = this.#options;
    const parsed = parseJson(response.body, service.reviveBlobs);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (parsed === undefined) {
        throw new AwsCallError({
          service: service.id,
          operation,
          code: 'InvalidResponse',
          statusCode: response.statusCode,
          retryable: false,
        });
      }
      return parsed;
    }
    const code = errorCodeOf(response.headers, parsed);
    const own = service.errorOfAnswer?.(operation, code, parsed);
    if (own !== undefined) throw own;
    throw new AwsCallError({
      service: service.id,
      operation,
      code,
      statusCode: response.statusCode,
      retryable: isRetryableAnswer(response.statusCode, code),
    });
  }

  #asCallError(operation: string, error: unknown): AwsCallError {
    if (error instanceof AwsCallError) return error;
    return new AwsCallError({
      service: this.#options.service.id,
      operation,
      code: networkCodeOf(error),
      retryable: true,
      cause: error,
    });
  }
}
