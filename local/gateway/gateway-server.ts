import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type FunctionName, matchRoute } from '../../shared/http/routes';
import { invokeHandler, type LambdaHandler } from '../lambda/invoke-handler';
import { toPortError } from '../servers/port-check';
import { toHttpApiEvent } from './http-api-event';
import { type GatewayResponse, gatewayJson, toGatewayResponse } from './http-api-result';
import { GATEWAY_MAX_BODY_BYTES, readBody } from './read-body';

/** API Gateway's integration timeout for HTTP APIs. */
export const GATEWAY_TIMEOUT_MS = 30_000;

/** What `/health` reports: 200 when `ready`, else 503, with `body` either way. */
export interface HealthReport {
  readonly ready: boolean;
  readonly body: Readonly<Record<string, unknown>>;
}

/** A request to a local-only page of the gateway (the console), before any route matching. */
export interface LocalPageRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

/** How the gateway listens and whom it calls; the handlers are looked up per request. */
export interface GatewayOptions {
  readonly port: number;
  readonly host: string;
  /** The handler behind a route, or `undefined` while the stack is not ready (answers 503). */
  readonly handlerFor: (name: FunctionName) => LambdaHandler | undefined;
  readonly health: () => Promise<HealthReport>;
  /**
   * Local-only pages (the console): asked first for every request under `/console`; `undefined`
   * lets the request go on to the routes, as any other.
   */
  readonly localPages?: (request: LocalPageRequest) => Promise<GatewayResponse | undefined>;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  /** The flag named in a "port in use" error. */
  readonly portFlag: string;
  readonly log: (line: string) => void;
}

/** A listening gateway. */
export interface Gateway {
  readonly url: string;
  /** Stops accepting requests, lets in-flight ones finish, then closes every connection. */
  readonly close: () => Promise<void>;
}

const UNAVAILABLE = gatewayJson(503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' });

const send = (response: ServerResponse, result: GatewayResponse, requestId: string): void => {
  if (response.headersSent || response.destroyed) return;
  response.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers)) response.setHeader(name, value);
  if (result.cookies.length > 0) response.setHeader('set-cookie', [...result.cookies]);
  response.setHeader('apigw-requestid', requestId);
  response.setHeader('content-length', result.body.length);
  response.end(result.body);
};

const sourceIpOf = (request: IncomingMessage): string =>
  (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

/**
 * The local HTTP API: a `node:http` server that routes with the shared route table (the one the
 * CDK stack uses), turns each request into the exact `APIGatewayProxyEventV2`, invokes the
 * function's handler and maps its result back. It enforces API Gateway's limits: 10 MB bodies
 * (413 beyond) and the 30 s integration timeout (504). Unknown routes get 404
 * `{"error":"not_found"}`; `GET /health` (local only) reports readiness, and `/console…` (local only)
 * goes to `localPages`.
 */
export const startGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const timeoutMs = options.timeoutMs ?? GATEWAY_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? GATEWAY_MAX_BODY_BYTES;
  let closing = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const timeEpoch = Date.now();
    const requestId = randomUUID();
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt < 0 ? '' : target.slice(queryAt + 1);
    const method = (request.method ?? 'GET').toUpperCase();
    if (closing) {
      request.resume();
      response.setHeader('connection', 'close');
      send(response, UNAVAILABLE, requestId);
      return;
    }
    if (method === 'GET' && rawPath === '/health') {
      request.resume();
      const report = await options.health();
      send(response, gatewayJson(report.ready ? 200 : 503, report.body), requestId);
      return;
    }
    if (options.localPages && (rawPath === '/console' || rawPath.startsWith('/console/'))) {
      request.resume();
      const page = await options.localPages({
        method,
        path: rawPath,
        query: new URLSearchParams(rawQueryString),
        headers: request.headers,
      });
      if (page) {
        send(response, page, requestId);
        return;
      }
    }
    const matched = matchRoute(method, rawPath);
    if (!matched) {
      request.resume();
      send(response, gatewayJson(404, { error: 'not_found' }), requestId);
      return;
    }
    const read = await readBody(request, maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      response.setHeader('connection', 'close');
      send(
        response,
        gatewayJson(413, { error: 'payload_too_large', limitBytes: maxBodyBytes }),
        requestId,
      );
      return;
    }
    const functionName = matched.route.functionName;
    const handler = options.handlerFor(functionName);
    if (!handler) {
      send(response, UNAVAILABLE, requestId);
      return;
    }
    const event = toHttpApiEvent({
      method,
      rawPath,
      rawQueryString,
      headers: request.headersDistinct,
      body: read.body,
      requestId,
      timeEpoch,
      sourceIp: sourceIpOf(request),
    });
    const outcome = await invokeHandler(handler, event, { functionName, timeoutMs, requestId });
    if (outcome.kind === 'timed-out') {
      options.log(
        `gateway: ${functionName} timed out after ${timeoutMs} ms (${method} ${rawPath})`,
      );
      send(response, gatewayJson(504, { error: 'gateway_timeout' }), requestId);
      return;
    }
    if (outcome.kind === 'threw') {
      options.log(
        `gateway: ${functionName} threw (${method} ${rawPath}): ${
          outcome.error instanceof Error
            ? (outcome.error.stack ?? outcome.error.message)
            : String(outcome.error)
        }`,
      );
      send(response, gatewayJson(500, { error: 'internal_server_error' }), requestId);
      return;
    }
    send(response, toGatewayResponse(outcome.value), requestId);
  };

  const server = createServer((request, response) => {
    inFlight += 1;
    handle(request, response)
      .catch((error: unknown) => {
        options.log(`gateway: ${error instanceof Error ? error.message : String(error)}`);
        send(response, gatewayJson(500, { error: 'internal_server_error' }), 'gateway-error');
      })
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) onIdle?.();
      });
  });
  // Node's default 5 s keep-alive drops idle sockets that some clients still reuse.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(toPortError(error, options.port, 'HTTP API', options.portFlag)),
    );
    server.listen({ port: options.port, host: options.host, exclusive: true }, () => resolve());
  });

  return {
    url: `http://${options.host}:${options.port}`,
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (onIdle = resolve));
      server.closeAllConnections();
      await closed;
    },
  };
};
