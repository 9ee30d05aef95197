import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { changeLine } from '../local/change-bus/change-line';
import { changesFilePath } from '../local/change-bus/change-log';
import { runCommand } from '../local/cli/run-command';
import { parseCommandArgs } from '../local/cli/usage-error';
import { dataDirOf, findRunningStack } from './lib/running-stack';

const USAGE = `Usage: npm run changes -- [--follow] [--json] [--data-dir DIR]

Prints the change events the local stack published ('Image Record Changed', 'Collection
Completed'), oldest first, one compact line each, or with --json each event whole (one JSON per
line, as EventBridge delivers it to a rule target). --follow keeps printing new ones until
Ctrl+C. Reads <data dir>/changes.jsonl (also with the stack stopped), or asks the running stack
when it was started --in-memory.`;

/** How often --follow looks for new events. */
const POLL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the events are read from: a file, read from a byte offset, or the stack's change bus. */
interface ChangeSource {
  /** The complete lines that arrived since the last call. */
  next(): Promise<string[] | 'gone'>;
}

/** `changes.jsonl`, read on from where the last call stopped (only whole lines). */
const fileSource = (path: string): ChangeSource => {
  let offset = 0;
  let partial = '';
  return {
    next: () => {
      if (!existsSync(path)) return Promise.resolve([]);
      const size = statSync(path).size;
      if (size <= offset) return Promise.resolve([]);
      const buffer = Buffer.alloc(size - offset);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        closeSync(fd);
      }
      offset = size;
      const text = partial + buffer.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      return Promise.resolve(lines.filter((line) => line !== ''));
    },
  };
};

/** An in-memory stack's change bus: `GET /changes?from=N`. */
const busSource = (endpoint: string): ChangeSource => {
  let from = 0;
  return {
    next: async () => {
      let text: string;
      try {
        const response = await fetch(`${endpoint}/changes?from=${from}`);
        text = await response.text();
      } catch {
        return 'gone';
      }
      const lines = text.split('\n').filter((line) => line !== '');
      from += lines.length;
      return lines;
    },
  };
};

const formatted = (line: string, json: boolean): string => {
  if (json) return line;
  try {
    return changeLine(JSON.parse(line));
  } catch {
    return `(unreadable line) ${line.slice(0, 120)}`;
  }
};

runCommand(async () => {
  const { values } = parseCommandArgs(
    {
      options: {
        follow: { type: 'boolean' },
        json: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = dataDirOf(values['data-dir']);
  const json = values.json === true;
  const stack = await findRunningStack(dataDir);
  const path = changesFilePath(dataDir);
  const source =
    stack?.inMemory && stack.changeBus ? busSource(stack.changeBus.endpoint) : fileSource(path);
  if (!stack?.inMemory && !existsSync(path) && values.follow !== true) {
    console.error(`no change events yet (${path} does not exist)`);
    return 0;
  }
  let stopped = false;
  process.once('SIGINT', () => {
    stopped = true;
  });
  do {
    const lines = await source.next();
    if (lines === 'gone') {
      console.error('the local stack stopped; its in-memory change events are gone');
      return 0;
    }
    for (const line of lines) console.log(formatted(line, json));
    if (values.follow === true) await sleep(POLL_MS);
  } while (values.follow === true && !stopped);
  return 0;
});
