import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MessageAttributeValue, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Browser, chromium, type Page } from 'playwright-core';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { freePort } from '../../../local/servers/free-port';
import type { QueueMessage } from '../../../shared/queue/event-queue';
import {
  REPOSITORY_ROOT,
  type StackProcess,
  startStackProcess,
} from '../local/support/stack-process';
import { spyneDelivery, spyneEnvelopeMessage } from '../local/support/synthetic-deliveries';
import { chromiumPath } from './support/chromium';

/**
 * The local console in a real browser: headless Chromium (Debian's, through playwright-core)
 * against a local stack started as `npm start` starts it. Fixtures are posted first; the page must
 * show the deliveries with their outcomes, the records with a provenance drill-down, and queue
 * buttons that work. `SAVE_CONSOLE_SCREENSHOT=1` refreshes `docs/console.png`, which the README
 * shows.
 */

jest.setTimeout(90_000);

const SCREENSHOT = join(REPOSITORY_ROOT, 'docs', 'console.png');

let dataDir: string;
let stack: StackProcess;
let sqs: SQSClient;
let browser: Browser;
let page: Page;

const sendMessage = (queueUrl: string, message: QueueMessage) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.body,
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]): [string, MessageAttributeValue] => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

/** Synthetic Spyne SKUs of one image each (`sku-<key>`, `image-<key>`). */
const SKUS = ['console-a', 'console-b', 'console-c'];

/** True once nothing waits on the main queue or is in flight, and no batch runs. */
const queueQuiet = async (): Promise<boolean> => {
  const health = v.parse(
    v.object({
      queues: v.object({ main: v.object({ messages: v.number(), inFlight: v.number() }) }),
      worker: v.object({ inFlightBatches: v.number() }),
    }),
    await (await fetch(`${stack.url}/health`)).json(),
  );
  const { main } = health.queues;
  return main.messages === 0 && main.inFlight === 0 && health.worker.inFlightBatches === 0;
};

/** Messages on a queue, visible or briefly received by the console's own look. */
const queueDepth = async (queue: 'dlq' | 'quarantine'): Promise<number> => {
  const health = v.parse(
    v.object({
      queues: v.record(v.string(), v.object({ messages: v.number(), inFlight: v.number() })),
    }),
    await (await fetch(`${stack.url}/health`)).json(),
  );
  const depth = health.queues[queue];
  return depth === undefined ? -1 : depth.messages + depth.inFlight;
};

/** Polls `check` until it holds; fails the test after `timeoutMs`. */
const until = async (check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${check}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** A GET with its own Host header, which fetch does not let a caller set. */
const statusWithHost = (path: string, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, stack.url);
    request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });

beforeAll(async () => {
  const executablePath = chromiumPath();
  dataDir = mkdtempSync(join(tmpdir(), 'console-test-'));
  const ports = {
    port: await freePort(),
    dynamoDbPort: await freePort(),
    sqsPort: await freePort(),
  };
  [stack, browser] = await Promise.all([
    startStackProcess(dataDir, ports, ['--in-memory']),
    chromium.launch({ executablePath }),
  ]);
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.info.sqsEndpoint });
  // Three signed SKUs, then the same three deliveries again once applied: three duplicates
  // (delivered together, a repeat could apply alongside the first and be counted at completion).
  const skus = SKUS.map((key) => spyneDelivery(key, new Date()));
  for (const sku of skus) await post(sku.path, sku.body, sku.headers);
  await until(queueQuiet);
  for (const sku of skus) await post(sku.path, sku.body, sku.headers);
  await post('/webhooks/sharinpix', '{}', { 'x-sharinpix-secret': 'not-the-secret' });
  await post(
    '/webhooks/image-intelligence?token=dev-image-intelligence-token',
    JSON.stringify({ id: 'console-job', status: 'COMPLETED_SUCCESSFULLY' }),
  );
  await sendMessage(stack.info.queues.dlq.url, spyneEnvelopeMessage('console-dlq', new Date()));
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${stack.url}/console`);
});

afterAll(async () => {
  await browser?.close();
  sqs?.destroy();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the local console (/console, headless Chromium)', () => {
  it('shows the recent deliveries with their outcome, worker outcome and 4xx reason', async () => {
    // Prepare
    const rows = page.locator('#deliveries-body tr');
    const spyne = rows.filter({ hasText: 'spyne' });
    const count = (text: string) => spyne.filter({ hasText: text }).count();

    // Act: the worker's outcomes arrive after ingest's answers.
    await until(async () => (await count('applied')) + (await count('duplicate')) === 6);

    // Assess
    await page.locator('#health', { hasText: 'healthy' }).waitFor();
    expect(await count('200 accepted')).toBe(6);
    expect(await count('applied')).toBe(3);
    expect(await count('duplicate')).toBe(3);
    expect(await rows.filter({ hasText: '401 unauthorized' }).count()).toBe(1);
    const invalid = rows.filter({ hasText: '400 invalid_payload' });
    expect(await invalid.textContent()).toContain('createdAt, jobResults, imageResults');
  });

  it('lists records by vendor and collection, and drills down into a record’s provenance', async () => {
    // Act
    await page.locator('[data-collection="spyne/sku-console-b"]').click();
    const record = page.locator('#records-body tr', { hasText: 'image-console-b' });
    await record.click();
    const output = page.locator('#provenance-body tr[data-path="urls.output"]');
    await output.waitFor();

    // Assess
    expect(await page.locator('#records-body tr').count()).toBe(1);
    expect(await record.textContent()).toContain('done');
    const explained = v.parse(
      v.object({
        record: v.object({ urls: v.object({ output: v.string() }) }),
        provenance: v.record(v.string(), v.object({ eventId: v.string(), eventTime: v.string() })),
      }),
      await (await fetch(`${stack.url}/images/spyne/image-console-b?explain=true`)).json(),
    );
    const shown = await output.locator('td').allTextContents();
    expect(shown).toEqual([
      'urls.output',
      explained.record.urls.output,
      explained.provenance['urls.output']?.eventId,
      explained.provenance['urls.output']?.eventTime,
    ]);
    expect(await page.locator('#provenance-body tr').count()).toBe(
      Object.keys(explained.provenance).length,
    );
  });

  it('shows the change events the stack published: one per new record and completed SKU, none for a duplicate', async () => {
    // Prepare
    const rows = page.locator('#changes-body tr');
    const count = (text: string) => rows.filter({ hasText: text }).count();

    // Act: the publisher follows the records table's stream.
    await until(
      async () =>
        (await count('Image Record Changed')) >= SKUS.length &&
        (await count('Collection Completed')) >= SKUS.length,
    );

    // Assess
    expect(await count('Image Record Changed')).toBe(SKUS.length);
    expect(await count('Collection Completed')).toBe(SKUS.length);
    const created = await rows.filter({ hasText: 'spyne/image-console-a' }).textContent();
    expect(created).toContain('status');
    expect(created).toContain('urls.output');
    expect(await page.locator('#changes-count').textContent()).toBe(String(2 * SKUS.length));
  });

  it('redrives the DLQ with its button: the message goes back, its record and its change event appear', async () => {
    // Prepare
    const dlqRow = page.locator('#queue-dlq tbody tr');
    await dlqRow.filter({ hasText: 'spyne' }).waitFor();
    if (process.env.SAVE_CONSOLE_SCREENSHOT === '1') {
      await page.locator('#queue-quarantine tbody tr').first().waitFor();
      writeFileSync(SCREENSHOT, await page.screenshot({ fullPage: true }));
    }

    // Act
    await page.locator('[data-redrive="dlq"]').click();
    await page.locator('#queue-note', { hasText: 'DLQ redrive: 1 moved' }).waitFor();

    // Assess
    await dlqRow.first().waitFor({ state: 'detached' });
    expect(await queueDepth('dlq')).toBe(0);
    await page.locator('[data-collection="spyne/sku-console-dlq"]').click();
    await page.locator('#records-body tr', { hasText: 'image-console-dlq' }).waitFor();
    await page.locator('#changes-body tr', { hasText: 'spyne/image-console-dlq' }).waitFor();
  });

  it('deletes a quarantined delivery after a second click to confirm', async () => {
    // Prepare
    const row = page.locator('#queue-quarantine tbody tr', { hasText: 'invalid_payload' });
    await row.waitFor();
    const remove = row.locator('button', { hasText: 'Delete' });

    // Act
    await remove.click();
    const depthAfterOneClick = await queueDepth('quarantine');
    await row.locator('button', { hasText: 'Confirm delete' }).click();
    await page.locator('#queue-note', { hasText: 'deleted' }).waitFor();
    await row.waitFor({ state: 'detached' });

    // Assess
    expect(depthAfterOneClick).toBe(1);
    expect(await queueDepth('quarantine')).toBe(0);
  });

  it('refuses an action without a JSON content type, and a request naming another host', async () => {
    // Act
    const form = await fetch(`${stack.url}/console/api/queues/dlq/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    const rebound = await statusWithHost('/console/api/state', 'attacker.example');

    // Assess
    expect(form.status).toBe(415);
    expect(rebound).toBe(403);
  });
});
