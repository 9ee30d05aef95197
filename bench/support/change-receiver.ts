import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';

/** What the receiver reads of a forwarded change event: its id, and the webhook that caused it. */
const ForwardedChangeSchema = v.object({
  detail: v.object({
    changeId: v.string(),
    cause: v.object({ eventId: v.string() }),
  }),
});

/** The change events received for one webhook (one cause `eventId`). */
interface Arrivals {
  readonly changeIds: Set<string>;
  /** `performance.now()` when each distinct change event first arrived, in arrival order. */
  readonly times: number[];
  repeats: number;
}

/** A client waiting for a webhook's change events. */
interface Waiter {
  readonly expected: number;
  readonly resolve: (times: readonly number[]) => void;
}

/**
 * The consumer end of `npm start -- --forward-changes URL`, inside the benchmark's process so
 * arrival times share the clients' clock (`performance.now()`). It answers 204 to every POST and
 * files each event under its cause `eventId`, the webhook that caused it, counting a `changeId`
 * once (the forwarder delivers at least once; a repeat is counted apart).
 */
export class ChangeReceiver {
  readonly #byCause = new Map<string, Arrivals>();
  readonly #waiters = new Map<string, Waiter>();
  #unreadable = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ChangeReceiver> {
    const server = createServer();
    const receiver = new ChangeReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        receiver.#receive(Buffer.concat(chunks).toString('utf8'), performance.now());
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/changes`;
  }

  /** Bodies that were not a change event (should stay 0). */
  get unreadable(): number {
    return this.#unreadable;
  }

  #receive(body: string, at: number): void {
    let parsed;
    try {
      parsed = v.safeParse(ForwardedChangeSchema, JSON.parse(body));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.#unreadable += 1;
      return;
    }
    const { changeId, cause } = parsed.output.detail;
    const arrivals = this.#byCause.get(cause.eventId) ?? {
      changeIds: new Set<string>(),
      times: [],
      repeats: 0,
    };
    this.#byCause.set(cause.eventId, arrivals);
    if (arrivals.changeIds.has(changeId)) {
      arrivals.repeats += 1;
      return;
    }
    arrivals.changeIds.add(changeId);
    arrivals.times.push(at);
    const waiter = this.#waiters.get(cause.eventId);
    if (waiter !== undefined && arrivals.times.length >= waiter.expected) {
      this.#waiters.delete(cause.eventId);
      waiter.resolve(arrivals.times);
    }
  }

  /**
   * Resolves with the arrival times of the webhook's first `expected` distinct change events
   * (some may have arrived already), or `undefined` when they have not all come within
   * `timeoutMs`.
   */
  waitFor(
    eventId: string,
    expected: number,
    timeoutMs: number,
  ): Promise<readonly number[] | undefined> {
    const arrived = this.#byCause.get(eventId)?.times ?? [];
    if (arrived.length >= expected) return Promise.resolve(arrived);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(eventId);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.set(eventId, {
        expected,
        resolve: (times) => {
          clearTimeout(timer);
          resolve(times);
        },
      });
    });
  }

  /** Distinct change events and repeats received so far for one webhook. */
  receivedFor(eventId: string): { readonly distinct: number; readonly repeats: number } {
    const arrivals = this.#byCause.get(eventId);
    return { distinct: arrivals?.changeIds.size ?? 0, repeats: arrivals?.repeats ?? 0 };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
