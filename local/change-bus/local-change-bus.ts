import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readBody } from '../gateway/read-body';
import { changeLine } from './change-line';
import { ChangeForwarder, type ForwarderStats } from './change-forwarder';
import { changesFilePath, type ChangeLog, FileChangeLog, MemoryChangeLog } from './change-log';
import { type LocalBus, putEvents } from './put-events';

/** `PutEvents` carries at most 256 KB of entries; anything far beyond is not a real call. */
const MAX_REQUEST_BYTES = 1024 * 1024;

const AMZ_JSON = { 'content-type': 'application/x-amz-json-1.1' };

export interface LocalChangeBusOptions {
  readonly bus: LocalBus;
  /** `changes.jsonl` (and the forwarder's cursor) go here unless `inMemory`. */
  readonly dataDir: string;
  readonly inMemory: boolean;
  /** `--forward-changes URL`. */
  readonly forwardUrl: string | undefined;
  /** Prints one line to the stack log. */
  readonly print: (line: string) => void;
  /** `0` for any free port. */
  readonly port?: number;
}

/** What `/health` shows of the change events. */
export interface ChangeBusStats {
  readonly received: number;
  readonly refused: number;
  readonly forward?: ForwarderStats;
}

export interface LocalChangeBus {
  /** Where the SDK's `AWS_ENDPOINT_URL_EVENTBRIDGE` points (directly, or behind the IAM proxy). */
  readonly endpoint: string;
  readonly log: ChangeLog;
  readonly stats: () => ChangeBusStats;
  readonly close: () => Promise<void>;
}

const reply = (res: ServerResponse, status: number, headers: object, body: string) => {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
};

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The local stand-in for the stack's EventBridge bus: a server that speaks `PutEvents` (the call
 * `EventBridgeChangeBus` makes), so the publisher's handler runs unchanged. Every accepted entry
 * becomes the event a rule target would receive (EventBridge's envelope, a fresh `id`, the time)
 * and is appended to `<data dir>/changes.jsonl` (memory with `--in-memory`) before the put is
 * answered, printed as one compact line, and handed to the forwarder when `--forward-changes` is
 * set. `GET /changes?from=N` serves the log from line N, which is how `npm run changes` reads an
 * in-memory stack.
 */
export const startLocalChangeBus = async (
  options: LocalChangeBusOptions,
): Promise<LocalChangeBus> => {
  const log: ChangeLog = options.inMemory
    ? new MemoryChangeLog()
    : new FileChangeLog(changesFilePath(options.dataDir));
  const forwarder =
    options.forwardUrl === undefined
      ? undefined
      : new ChangeForwarder({
          url: options.forwardUrl,
          log,
          cursorFile: options.inMemory
            ? undefined
            : join(options.dataDir, 'changes-forwarded.json'),
          print: options.print,
        });
  const counts = { received: 0, refused: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && url.pathname === '/changes') {
      const from = Math.max(0, Number.parseInt(url.searchParams.get('from') ?? '0', 10) || 0);
      const lines = log.readFrom(from);
      reply(
        res,
        200,
        { 'content-type': 'application/x-ndjson' },
        lines.map((line) => `${line}\n`).join(''),
      );
      return;
    }
    const read = await readBody(req, MAX_REQUEST_BYTES);
    if (read.kind !== 'complete') {
      reply(res, 413, AMZ_JSON, JSON.stringify({ __type: 'ValidationException' }));
      return;
    }
    const target = req.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') {
      reply(
        res,
        400,
        AMZ_JSON,
        JSON.stringify({
          __type: 'UnknownOperationException',
          message: `The local change bus only takes PutEvents, not ${String(target)}`,
        }),
      );
      return;
    }
    const outcome = putEvents(parseJson(read.body), options.bus, new Date());
    if (!outcome.ok) {
      reply(
        res,
        outcome.status,
        AMZ_JSON,
        JSON.stringify({ __type: outcome.type, message: outcome.message }),
      );
      return;
    }
    const lines = outcome.events.map((event) => JSON.stringify(event));
    log.append(lines);
    counts.received += lines.length;
    counts.refused += outcome.response.FailedEntryCount;
    for (const event of outcome.events) options.print(changeLine(event));
    forwarder?.enqueue(lines);
    reply(res, 200, AMZ_JSON, JSON.stringify(outcome.response));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.print(`change bus: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) {
        reply(res, 500, AMZ_JSON, JSON.stringify({ __type: 'InternalException' }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  forwarder?.start();
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    stats: () => ({
      ...counts,
      ...(forwarder === undefined ? {} : { forward: forwarder.stats() }),
    }),
    close: async () => {
      await forwarder?.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
};
