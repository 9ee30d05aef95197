import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { collectionCounts } from '../../scripts/lib/local-collections';
import {
  deleteMessage,
  describeMessage,
  receiveAll,
  release,
} from '../../scripts/lib/queue-inspection';
import type { QueueSource, QueueTarget } from '../../scripts/lib/queue-target';
import { redriveDeadLetters, redriveQuarantine } from '../../scripts/lib/redrive-queue';
import type { HealthReport, LocalPageRequest } from '../gateway/gateway-server';
import { type GatewayResponse, gatewayJson } from '../gateway/http-api-result';
import type { LocalQueues } from '../stack/queue-layout';
import type { DeliveryFeed } from './delivery-feed';

/** Where the page lives: one static file, no build step. */
const PAGE_FILE = join(__dirname, 'console.html');

/** Messages a queue listing shows; the queues of a local stack hold far fewer. */
const MAX_LISTED_MESSAGES = 200;

/** Change events the state carries: the newest ones, for a screen. */
const RECENT_CHANGES = 50;

/** Deliveries the state carries. */
const RECENT_DELIVERIES = 100;

/** The change events the local bus has received, in order (`changes.jsonl` or memory). */
export interface ChangeSource {
  readonly count: number;
  readFrom(from: number): string[];
}

/** What the console reads and acts on: the running stack's own parts. */
export interface ConsoleDeps {
  readonly port: number;
  readonly health: () => Promise<HealthReport>;
  readonly deliveries: DeliveryFeed;
  readonly dynamoDb: DynamoDBClient;
  readonly recordsTable: string;
  readonly sqs: SQSClient;
  readonly queues: LocalQueues;
  /** The change events the local bus received (`changes.jsonl`, or memory with `--in-memory`). */
  readonly changes?: () => ChangeSource | undefined;
}

const html = (body: string): GatewayResponse => ({
  statusCode: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page runs its own inline script and fetches this origin only.
    'content-security-policy':
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
  },
  cookies: [],
  body: Buffer.from(body, 'utf8'),
});

const QUEUE_PATH =
  /^\/console\/api\/queues\/(dlq|quarantine)(?:\/(redrive|messages\/([^/]+)\/delete))?$/;

const parseJsonLine = (line: string): unknown => {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return { unreadable: line.slice(0, 200) };
  }
};

/**
 * The local console's server side, served by the stack's gateway at `/console` (never deployed):
 * the page, and JSON endpoints over the stack's own parts.
 *
 * - `GET /console/api/state`: health, recent deliveries with their outcome, the collections with
 *   their record counts, and the newest change events. The page polls it.
 * - `GET /console/api/queues/{dlq|quarantine}`: the messages, as `npm run dlq -- list` shows them.
 *   SQS cannot peek, so a look is a receive (each adds one to the receive count), released at
 *   once; the page lists a queue only when its depth changes or on request.
 * - `POST …/redrive`, `POST …/messages/{id}/delete`: what `npm run dlq|quarantine -- redrive` and
 *   `delete <id> --yes` do.
 *
 * Records and their provenance come from the read API itself (`/images…`, open locally).
 * Requests must name this host (no DNS rebinding), and actions must be `POST` with a JSON content
 * type, which a page of another origin cannot send without a preflight the gateway never grants.
 */
export const createConsolePages = (deps: ConsoleDeps) => {
  const page = readFileSync(PAGE_FILE, 'utf8');
  const allowedHosts = new Set([`127.0.0.1:${deps.port}`, `localhost:${deps.port}`]);
  const targetOf = (queue: QueueSource): QueueTarget => ({
    sourceUrl: deps.queues[queue].url,
    mainUrl: deps.queues.main.url,
    client: deps.sqs,
    description: 'local stack',
  });

  const state = async () => {
    const report = await deps.health();
    const changes = deps.changes?.();
    const total = changes?.count ?? 0;
    return {
      health: { ready: report.ready, ...report.body },
      deliveries: deps.deliveries.recent(RECENT_DELIVERIES),
      collections: await collectionCounts(deps.dynamoDb, deps.recordsTable),
      changes: {
        available: changes !== undefined,
        total,
        recent: (changes?.readFrom(Math.max(0, total - RECENT_CHANGES)) ?? [])
          .map(parseJsonLine)
          .reverse(),
      },
    };
  };

  const listQueue = async (queue: QueueSource) => {
    const target = targetOf(queue);
    const messages = await receiveAll(target, MAX_LISTED_MESSAGES);
    try {
      const now = new Date();
      return { messages: messages.map((message) => describeMessage(queue, message, now)) };
    } finally {
      await release(target, messages);
    }
  };

  const deleteOne = async (queue: QueueSource, id: string): Promise<GatewayResponse> => {
    const target = targetOf(queue);
    const messages = await receiveAll(target, MAX_LISTED_MESSAGES);
    const found = messages.find((message) => message.MessageId === id);
    try {
      if (found) await deleteMessage(target, found);
    } finally {
      await release(
        target,
        messages.filter((message) => message !== found),
      );
    }
    return found
      ? gatewayJson(200, { deleted: id })
      : gatewayJson(404, { error: 'not_found', message: `no message ${id} on the ${queue}` });
  };

  const redrive = async (queue: QueueSource) => {
    const lines: unknown[] = [];
    const options = { dryRun: false, onLine: (line: unknown) => lines.push(line) };
    const summary =
      queue === 'dlq'
        ? await redriveDeadLetters(targetOf(queue), options)
        : await redriveQuarantine(targetOf(queue), options);
    return { ...summary, lines };
  };

  return async (request: LocalPageRequest): Promise<GatewayResponse | undefined> => {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      return gatewayJson(403, {
        error: 'forbidden',
        message: `the console answers only at ${[...allowedHosts].join(' or ')}`,
      });
    }
    if (request.method === 'GET' && (request.path === '/console' || request.path === '/console/')) {
      return html(page);
    }
    try {
      if (request.method === 'GET' && request.path === '/console/api/state') {
        return gatewayJson(200, await state());
      }
      const queuePath = QUEUE_PATH.exec(request.path);
      const queue = queuePath?.[1] === 'dlq' ? 'dlq' : 'quarantine';
      if (queuePath && request.method === 'GET' && queuePath[2] === undefined) {
        return gatewayJson(200, await listQueue(queue));
      }
      if (queuePath && request.method === 'POST' && queuePath[2] !== undefined) {
        if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
          return gatewayJson(415, {
            error: 'unsupported_media_type',
            message: 'console actions are POSTed with content-type application/json',
          });
        }
        if (queuePath[2] === 'redrive') return gatewayJson(200, await redrive(queue));
        return await deleteOne(queue, decodeURIComponent(queuePath[3] ?? ''));
      }
    } catch (error) {
      return gatewayJson(500, {
        error: 'console_error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
    return gatewayJson(404, {
      error: 'not_found',
      message: `no console page ${request.method} ${request.path}`,
    });
  };
};
