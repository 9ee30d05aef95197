import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import type { ChangeLog } from './change-log';

/** How far a URL has been sent, kept beside `changes.jsonl` so a restart resumes there. */
const CursorSchema = v.object({ url: v.string(), delivered: v.number() });

/** What `/health` shows of the forwarding. */
export interface ForwarderStats {
  readonly url: string;
  readonly delivered: number;
  readonly pending: number;
  readonly failedAttempts: number;
}

export interface ChangeForwarderOptions {
  /** `--forward-changes URL`. */
  readonly url: string;
  readonly log: ChangeLog;
  /** Where the count of lines delivered is kept; none with `--in-memory`. */
  readonly cursorFile: string | undefined;
  readonly print: (line: string) => void;
  /** The wait before retry `n` (1-based) of the same event. */
  readonly backoffMs?: (retry: number) => number;
  /** One POST may take this long before it counts as failed. */
  readonly requestTimeoutMs?: number;
}

/** 250 ms, doubling, at most 5 s: a consumer back after an outage gets everything within 5 s. */
const defaultBackoff = (retry: number): number => Math.min(5_000, 250 * 2 ** (retry - 1));

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * `--forward-changes URL`: POSTs every change event the local bus receives to the URL, as JSON
 * (the event as a rule target gets it), one at a time and in order. A post that fails (no
 * connection, a timeout, any answer but 2xx) is retried with backoff until it succeeds; the bus
 * only hands events over, so a slow or failing consumer never holds up the publisher or the
 * worker. What was delivered is counted in a cursor file, so after a restart forwarding resumes
 * with the first event the URL has not acknowledged (at least once); a URL new to the data
 * directory starts with the events that arrive from then on.
 */
export class ChangeForwarder {
  readonly #options: ChangeForwarderOptions;
  readonly #queue: string[];
  #delivered: number;
  #failedAttempts = 0;
  #stopped = false;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  readonly #abort = new AbortController();

  constructor(options: ChangeForwarderOptions) {
    this.#options = options;
    const cursor = this.#readCursor();
    this.#delivered =
      cursor?.url === options.url
        ? Math.min(cursor.delivered, options.log.count)
        : options.log.count;
    this.#queue = options.log.readFrom(this.#delivered);
  }

  /** Starts sending; resolves nothing, the loop runs until `stop`. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Lines the bus just appended to the log, in order. */
  enqueue(lines: readonly string[]): void {
    this.#queue.push(...lines);
    this.#wake?.();
  }

  /** Stops after the post in flight, if any; what was not delivered is sent after a restart. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.#wake?.();
    await this.#running;
  }

  stats(): ForwarderStats {
    return {
      url: this.#options.url,
      delivered: this.#delivered,
      pending: this.#queue.length,
      failedAttempts: this.#failedAttempts,
    };
  }

  async #run(): Promise<void> {
    const backoff = this.#options.backoffMs ?? defaultBackoff;
    let failing = 0;
    while (!this.#stopped) {
      const next = this.#queue[0];
      if (next === undefined) {
        await this.#sleep(60_000);
        continue;
      }
      const problem = await this.#post(next);
      if (problem === undefined) {
        if (failing > 0) {
          this.#options.print(
            `forward: ${this.#options.url} accepts again after ${failing} failed attempts`,
          );
        }
        failing = 0;
        this.#queue.shift();
        this.#delivered += 1;
        this.#writeCursor();
        continue;
      }
      if (this.#stopped) return;
      failing += 1;
      this.#failedAttempts += 1;
      if (failing === 1) {
        this.#options.print(
          `forward: POST ${this.#options.url} failed (${problem}); retrying with backoff, ${this.#queue.length} event(s) waiting`,
        );
      }
      await this.#sleep(backoff(failing));
    }
  }

  /** One POST; `undefined` on a 2xx answer, else what went wrong. */
  async #post(body: string): Promise<string | undefined> {
    try {
      const response = await fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.#options.requestTimeoutMs ?? 10_000),
        ]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return describe(error);
    }
  }

  /** Waits `ms`, or less when an event arrives or the forwarder stops. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #readCursor(): v.InferOutput<typeof CursorSchema> | undefined {
    const file = this.#options.cursorFile;
    if (file === undefined) return undefined;
    try {
      const parsed = v.safeParse(CursorSchema, JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success ? parsed.output : undefined;
    } catch {
      return undefined;
    }
  }

  #writeCursor(): void {
    const file = this.#options.cursorFile;
    if (file === undefined) return;
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ url: this.#options.url, delivered: this.#delivered }),
    );
    renameSync(`${file}.tmp`, file);
  }
}
