import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { runScript } from './support/stack-process';

jest.setTimeout(90_000);

const HttpResultSchema = v.object({ statusCode: v.number(), body: v.string() });

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
    expect(result.stderr).toMatch(/queued on vendor-webhooks-events .*"vendor":"spyne"/);
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
      'error: unknown function "ingest-acme"; expected one of ingest-spyne, ingest-sharinpix, ingest-image-intelligence, ingest-cloudinary, worker, read',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
