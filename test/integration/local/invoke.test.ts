import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { runScript } from './support/stack-process';

// Each invocation starts its own servers (DynamoDB Local is a JVM) and the function's thread under
// its role: on a loaded two-core machine two of them side by side took over 90 s.
jest.setTimeout(180_000);

const HttpResultSchema = v.object({
  statusCode: v.number(),
  headers: v.optional(v.record(v.string(), v.string()), {}),
  body: v.string(),
});

describe('npm run invoke without a running stack', () => {
  let emptyDataDir: string;

  beforeAll(() => {
    emptyDataDir = mkdtempSync(join(tmpdir(), 'invoke-'));
  });

  afterAll(() => rmSync(emptyDataDir, { recursive: true, force: true }));

  it('runs an ingest handler on a fixture against a temporary SQS, prints only the result on stdout', async () => {
    // Prepare
    const args = ['ingest-spyne', 'events/spyne/v2-sample-a.json', '--data-dir', emptyDataDir];

    // Act
    const result = await runScript('invoke', args);

    // Assess
    expect(result.code).toBe(0);
    const output = v.parse(HttpResultSchema, JSON.parse(result.stdout));
    expect(output.statusCode).toBe(200);
    expect(JSON.parse(output.body)).toEqual({
      status: 'accepted',
      eventId: expect.stringMatching(/^spyne:/),
    });
    expect(result.stderr).toContain('no local stack running');
    expect(result.stderr).toMatch(/IAM: ingest-spyne's role from the CDK app .* is enforced/);
    expect(result.stderr).toMatch(/queued on vendor-webhooks-events .*"vendor":"spyne"/);
    expect(result.stderr).not.toContain('IAM denied');
  });

  it('refuses a call the role does not allow as AWS does: without SendMessage the ingest answers 503 and queues nothing', async () => {
    // Prepare
    const args = [
      'ingest-spyne',
      'events/spyne/v2-sample-a.json',
      '--data-dir',
      emptyDataDir,
      '--iam-revoke',
      'ingest-spyne=sqs:SendMessage',
    ];

    // Act
    const result = await runScript('invoke', args);

    // Assess
    expect(result.code).toBe(0);
    const output = v.parse(HttpResultSchema, JSON.parse(result.stdout));
    expect(output.statusCode).toBe(503);
    expect(output.headers['retry-after']).toMatch(/^\d+$/);
    expect(result.stderr).toContain(
      'IAM denied: ingest-spyne sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events',
    );
    expect(result.stderr).not.toContain('queued on');
  });

  it('runs without enforcement under --no-iam, and says so', async () => {
    // Prepare
    const args = ['read', 'events/read/get-missing-image.json', '--data-dir', emptyDataDir];

    // Act
    const result = await runScript('invoke', [...args, '--no-iam']);

    // Assess
    expect(result.code).toBe(0);
    expect(v.parse(HttpResultSchema, JSON.parse(result.stdout)).statusCode).toBe(404);
    expect(result.stderr).toContain("WARNING: --no-iam: the function's IAM role is NOT enforced");
    expect(result.stderr).not.toContain('is enforced on every AWS call');
  });

  it('runs the worker on an SQS fixture and the read API on a read fixture, each with a temporary DynamoDB Local', async () => {
    // Prepare
    const worker = [
      'worker',
      'events/worker/sharinpix--new_image.json',
      '--data-dir',
      emptyDataDir,
    ];
    const read = ['read', 'events/read/get-missing-image.json', '--data-dir', emptyDataDir];

    // Act
    const [workerResult, readResult] = await Promise.all([
      runScript('invoke', worker),
      runScript('invoke', read),
    ]);

    // Assess
    expect(workerResult.code).toBe(0);
    expect(JSON.parse(workerResult.stdout)).toEqual({ batchItemFailures: [] });
    expect(readResult.code).toBe(0);
    const output = v.parse(HttpResultSchema, JSON.parse(readResult.stdout));
    expect(output.statusCode).toBe(404);
  });

  it('refuses an unknown function in one line, without a stack trace', async () => {
    // Prepare
    const args = ['ingest-acme', 'events/spyne/v2-sample-a.json'];

    // Act
    const result = await runScript('invoke', args);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      'error: unknown function "ingest-acme"; expected one of ingest-spyne, ingest-sharinpix, ingest-image-intelligence, ingest-cloudinary, worker, read, publisher',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
