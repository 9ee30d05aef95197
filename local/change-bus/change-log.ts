import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `<data dir>/changes.jsonl`: every change event the local bus received, one JSON per line. */
export const changesFilePath = (dataDir: string): string => join(dataDir, 'changes.jsonl');

/**
 * Where the local bus keeps the events it received, in order: `changes.jsonl` in the data
 * directory, or memory with `--in-memory`. Lines are numbered from 0 in the order they arrived;
 * the forwarder and `npm run changes` read by that number.
 */
export interface ChangeLog {
  /** Appends events, one JSON line each, before the bus answers the put that carried them. */
  append(lines: readonly string[]): void;
  /** The lines from number `from` on. */
  readFrom(from: number): string[];
  /** How many lines there are. */
  readonly count: number;
}

const linesOf = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/** The log as `changes.jsonl`, kept across restarts and readable with the stack stopped. */
export class FileChangeLog implements ChangeLog {
  readonly #path: string;
  #count: number;

  constructor(path: string) {
    this.#path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.#count = existsSync(path) ? linesOf(readFileSync(path, 'utf8')).length : 0;
  }

  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    appendFileSync(this.#path, lines.map((line) => `${line}\n`).join(''));
    this.#count += lines.length;
  }

  readFrom(from: number): string[] {
    if (from >= this.#count) return [];
    return linesOf(readFileSync(this.#path, 'utf8')).slice(from);
  }

  get count(): number {
    return this.#count;
  }
}

/** The log with `--in-memory`: gone when the stack stops, read through the bus while it runs. */
export class MemoryChangeLog implements ChangeLog {
  readonly #lines: string[] = [];

  append(lines: readonly string[]): void {
    this.#lines.push(...lines);
  }

  readFrom(from: number): string[] {
    return this.#lines.slice(from);
  }

  get count(): number {
    return this.#lines.length;
  }
}
