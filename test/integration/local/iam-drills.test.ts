import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { freePort } from '../../../local/servers/free-port';
import { SAMPLE_IMAGE_INTELLIGENCE_BODY } from '../../../shared/vendors/image-intelligence/manifest';
import { SAMPLE_SHARINPIX_BODY } from '../../../shared/vendors/sharinpix/manifest';
import { scratchCopyWith } from './support/scratch-copy';
import { type StackProcess, startStackProcess } from './support/stack-process';

/** Starting a stack and waiting out five redeliveries takes a while on a busy machine. */
const DRILL_TIMEOUT_MS = 240_000;

const HealthSchema = v.object({
  queues: v.object({
    main: v.object({ messages: v.number(), inFlight: v.number() }),
    dlq: v.object({ messages: v.number(), inFlight: v.number() }),
    quarantine: v.object({ messages: v.number(), inFlight: v.number() }),
  }),
  worker: v.object({ batches: v.number(), polling: v.string() }),
  iam: v.object({
    enforced: v.boolean(),
    allowed: v.optional(v.number()),
    denied: v.optional(v.number()),
  }),
});
type Health = v.InferOutput<typeof HealthSchema>;

const RecordSchema = v.object({ width: v.optional(v.number()) });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const health = async (stack: StackProcess): Promise<Health> =>
  v.parse(HealthSchema, await (await fetch(`${stack.url}/health`)).json());

/** Polls `/health` until `done` holds; fails with the last report and the stack's output. */
const waitForHealth = async (
  stack: StackProcess,
  done: (report: Health) => boolean,
): Promise<Health> => {
  let report = await health(stack);
  for (let attempt = 0; attempt < 600 && !done(report); attempt += 1) {
    await sleep(200);
    report = await health(stack);
  }
  if (!done(report)) {
    throw new Error(`/health never got there: ${JSON.stringify(report)}\n${stack.output()}`);
  }
  return report;
};

const postSharinpix = (stack: StackProcess, event: string, body: Record<string, unknown>) =>
  fetch(`${stack.url}/webhooks/sharinpix`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sharinpix-event': event,
      'x-sharinpix-secret': DEV_SECRETS.SHARINPIX_SECRET,
    },
    body: JSON.stringify(body),
  });

const imageUrl = (stack: StackProcess) =>
  `${stack.url}/images/sharinpix/${SAMPLE_SHARINPIX_BODY.id}`;

/** The same image, processed later: a new width, so the update is visible in the record. */
const PROCESSED = { ...SAMPLE_SHARINPIX_BODY, width: 2400, created_at: '2026-11-01T09:45:00Z' };

const startDrillStack = async (
  args: readonly string[],
  from: Parameters<typeof startStackProcess>[3] = {},
) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iam-drill-'));
  const ports = {
    port: await freePort(),
    dynamoDbPort: await freePort(),
    sqsPort: await freePort(),
  };
  const stack = await startStackProcess(dataDir, ports, ['--in-memory', ...args], from);
  return {
    stack,
    stop: async () => {
      await stack.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

describe('IAM enforced by the local stack', () => {
  let drill: Awaited<ReturnType<typeof startDrillStack>>;
  beforeAll(async () => {
    drill = await startDrillStack([]);
  }, DRILL_TIMEOUT_MS);
  afterAll(async () => {
    await drill?.stop();
  }, DRILL_TIMEOUT_MS);

  it(
    'updates a SharinPix record with image_processed after new_image: the worker may read it',
    async () => {
      // Prepare
      const { stack } = drill;
      expect((await postSharinpix(stack, 'new_image', SAMPLE_SHARINPIX_BODY)).status).toBe(200);
      await waitForHealth(
        stack,
        (report) =>
          (report.iam.allowed ?? 0) > 0 &&
          report.queues.main.messages + report.queues.main.inFlight === 0,
      );

      // Act
      const accepted = await postSharinpix(stack, 'image_processed', PROCESSED);
      let width: number | undefined;
      for (let attempt = 0; attempt < 300 && width !== PROCESSED.width; attempt += 1) {
        const response = await fetch(imageUrl(stack));
        if (response.status === 200) width = v.parse(RecordSchema, await response.json()).width;
        if (width !== PROCESSED.width) await sleep(200);
      }

      // Assess
      expect(accepted.status).toBe(200);
      expect(width).toBe(PROCESSED.width);
      const report = await health(stack);
      expect(report.iam).toMatchObject({ enforced: true, denied: 0 });
      expect(report.queues.dlq.messages).toBe(0);
      expect(stack.output()).not.toContain('IAM denied:');
    },
    DRILL_TIMEOUT_MS,
  );
});

describe('IAM drills: a grant missing from a role fails locally as in AWS', () => {
  let drill: Awaited<ReturnType<typeof startDrillStack>>;
  beforeAll(async () => {
    drill = await startDrillStack([
      '--visibility-timeout',
      '1',
      '--iam-revoke',
      'worker=dynamodb:GetItem',
      '--iam-revoke',
      'worker=dynamodb:BatchGetItem',
      '--iam-revoke',
      'ingest-image-intelligence=sqs:SendMessage',
    ]);
  }, DRILL_TIMEOUT_MS);
  afterAll(async () => {
    await drill?.stop();
  }, DRILL_TIMEOUT_MS);

  it(
    'dead-letters an event when the worker may not read its ledger (BatchGetItem, GetItem), after the ingest answered 200',
    async () => {
      // Act: every receive of the message is refused at the worker's first calls: the batch's
      // read-ahead (BatchGetItem), then the check's own read (GetItem) it falls back to.
      const { stack } = drill;
      const accepted = await postSharinpix(stack, 'new_image', SAMPLE_SHARINPIX_BODY);
      const report = await waitForHealth(
        stack,
        (state) =>
          state.queues.dlq.messages === 1 &&
          state.queues.main.messages + state.queues.main.inFlight === 0,
      );

      // Assess: two refusals per receive (5, then the DLQ), and no record written.
      expect(accepted.status).toBe(200);
      expect(report.iam.denied).toBe(2 * 5);
      expect(stack.output()).toContain(
        'IAM denied: worker dynamodb:BatchGetItem on arn:aws:dynamodb:us-east-1:123456789012:table/vendor-webhooks-ledger',
      );
      expect(stack.output()).toContain(
        'IAM denied: worker dynamodb:GetItem on arn:aws:dynamodb:us-east-1:123456789012:table/vendor-webhooks-ledger',
      );
      expect(stack.output()).toContain('AccessDeniedException');
      expect((await fetch(imageUrl(stack))).status).toBe(404);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'answers 503 with Retry-After, queueing nothing, when an ingest may not SendMessage',
    async () => {
      // Prepare
      const { stack } = drill;
      const before = await health(stack);
      const url = `${stack.url}/webhooks/image-intelligence?token=${DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`;

      // Act
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(SAMPLE_IMAGE_INTELLIGENCE_BODY),
      });

      // Assess
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      const after = await health(stack);
      expect(after.queues.main.messages + after.queues.main.inFlight).toBe(0);
      expect(after.queues.quarantine.messages).toBe(before.queues.quarantine.messages);
      expect(after.iam.denied).toBeGreaterThan(before.iam.denied ?? 0);
      expect(stack.output()).toMatch(
        /IAM denied: ingest-image-intelligence sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events/,
      );
    },
    DRILL_TIMEOUT_MS,
  );
});

describe('a grant deleted from infra/ is refused as AWS refuses it', () => {
  let scratch: ReturnType<typeof scratchCopyWith>;
  let drill: Awaited<ReturnType<typeof startDrillStack>>;
  beforeAll(async () => {
    // A reviewer's drill: take the action out of the worker's polling grant in a scratch copy and
    // start that copy. The roles come from synthesizing the edited CDK app.
    scratch = scratchCopyWith({
      file: 'infra/constructs/pipeline-functions.ts',
      find: "  'sqs:ReceiveMessage',\n",
      replace: '',
    });
    drill = await startDrillStack([], {
      root: scratch.root,
      // The edited roles are not the project's: their calls stay out of the grants record.
      env: { IAM_CALLS_LOG: '' },
      healthyWithinMs: DRILL_TIMEOUT_MS - 30_000,
    });
  }, DRILL_TIMEOUT_MS);
  afterAll(async () => {
    await drill?.stop();
    scratch?.remove();
  }, DRILL_TIMEOUT_MS);

  it(
    'leaves webhooks queued when the worker role may not ReceiveMessage: its event source mapping cannot poll',
    async () => {
      // Prepare
      const { stack } = drill;

      // Act
      const accepted = await postSharinpix(stack, 'new_image', SAMPLE_SHARINPIX_BODY);
      const report = await waitForHealth(
        stack,
        (state) => (state.iam.denied ?? 0) > 0 && state.queues.main.messages === 1,
      );

      // Assess
      expect(accepted.status).toBe(200);
      expect(report.worker.batches).toBe(0);
      expect(report.worker.polling).toMatch(/^PROBLEM: ReceiveMessage: AccessDenied/);
      expect(report.queues.dlq.messages).toBe(0);
      expect(stack.output()).toContain(
        'IAM denied: worker sqs:ReceiveMessage on arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events',
      );
      expect(stack.output()).toContain('worker feed: cannot receive from SQS');
      expect((await fetch(imageUrl(stack))).status).toBe(404);
    },
    DRILL_TIMEOUT_MS,
  );
});
