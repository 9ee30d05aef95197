import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';

const QueueSchema = v.object({ name: v.string(), url: v.string(), arn: v.string() });

/**
 * What a running local stack tells other commands (`invoke`, `redrive`, `records`): where its
 * servers listen and what its resources are called. Written once the stack is healthy, removed on
 * a clean stop; a file left behind by a crash is recognised because its pid is gone.
 */
export const StackFileSchema = v.object({
  pid: v.number(),
  startedAt: v.string(),
  gatewayUrl: v.string(),
  dynamoDbEndpoint: v.string(),
  sqsEndpoint: v.string(),
  region: v.string(),
  queues: v.object({ main: QueueSchema, dlq: QueueSchema, quarantine: QueueSchema }),
  tables: v.object({ records: v.string(), ledger: v.string() }),
  /** The local change bus (the publisher's PutEvents, and `GET /changes` for `npm run changes`). */
  changeBus: v.optional(v.object({ endpoint: v.string(), name: v.string() })),
  dataDir: v.string(),
  inMemory: v.boolean(),
  visibilityTimeoutSeconds: v.number(),
  dynamoDbPid: v.optional(v.number()),
});
/** The parsed `stack.json`. */
export type StackFile = v.InferOutput<typeof StackFileSchema>;

/** `<dataDir>/stack.json`. */
export const stackFilePath = (dataDir: string): string => join(dataDir, 'stack.json');

/**
 * Writes `stack.json` atomically, so a reader never sees half a file. The data directory may not
 * exist yet (a fresh clone started `--in-memory`), and other commands still find the stack there.
 */
export const writeStackFile = (dataDir: string, stack: StackFile): void => {
  mkdirSync(dataDir, { recursive: true });
  const path = stackFilePath(dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(stack, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
};

/** Removes `stack.json` on a clean stop: no file means no stack. */
export const removeStackFile = (dataDir: string): void =>
  rmSync(stackFilePath(dataDir), { force: true });

/** The stack file, or `undefined` when there is none or it is not one (then it is ignored). */
export const readStackFile = (dataDir: string): StackFile | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(stackFilePath(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(StackFileSchema, json);
  return parsed.success ? parsed.output : undefined;
};

/** Whether a process with this id is alive (signal 0 probes without touching it). */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
};
