import { readFileSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import { HttpClient } from './http-client';
import { type LoadResult, LoadPlanSchema } from './load-client-protocol';

/**
 * The load generator, run as its own process (`node --import tsx load-client.ts plan.json
 * result.json`) so that sending and timing 10,000 requests does not compete with the test
 * process's event loop: a closed loop of `concurrency` keep-alive connections, each sending its
 * next request as soon as the previous one is answered, which is the highest rate the stack
 * sustains. Latency is measured per request from the first byte sent to the last received.
 */
const main = async (): Promise<void> => {
  const [planPath, resultPath] = process.argv.slice(2);
  if (!planPath || !resultPath) throw new Error('usage: load-client <plan.json> <result.json>');
  const plan = v.parse(LoadPlanSchema, JSON.parse(readFileSync(planPath, 'utf8')));
  const client = new HttpClient(plan.url, { maxSockets: plan.concurrency });
  const startedAt = Date.now();
  const responses = await mapWithConcurrency(plan.requests, plan.concurrency, async (request) => {
    const response = await client.send({
      path: request.path,
      query: request.query,
      headers: request.headers,
      body: Buffer.from(request.bodyBase64, 'base64'),
    });
    return {
      status: response.status,
      contentType: String(response.headers['content-type'] ?? ''),
      retryAfter: String(response.headers['retry-after'] ?? ''),
      body: response.body,
      ms: response.ms,
    };
  });
  const result: LoadResult = { startedAt, finishedAt: Date.now(), responses };
  client.close();
  writeFileSync(resultPath, JSON.stringify(result));
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
