import { spawn } from 'node:child_process';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import type { HttpClient, HttpResponse } from './http-client';
import { REPOSITORY_ROOT } from './local-stack-process';
import { stackChildEnvironment } from '../../../local/stack/spawn-local-stack';
import { type ContractCheck, checkWebhookResponse } from './response-contract';
import type { GeneratedWebhook } from './webhook-requests';

/** One delivery attempt of a webhook and how it was answered. */
export interface Delivered {
  readonly webhook: GeneratedWebhook;
  readonly response: HttpResponse;
  readonly check: ContractCheck;
}

/** The `eventId` of an accepted (or ignored) delivery. */
export const acceptedEventId = (delivered: Delivered): string | undefined =>
  delivered.check.ok &&
  (delivered.check.answer.kind === 'accepted' || delivered.check.answer.kind === 'ignored')
    ? delivered.check.answer.eventId
    : undefined;

/** Posts every webhook with at most `concurrency` in flight; `after` sees each answer as it comes. */
export const deliverAll = (
  client: HttpClient,
  webhooks: readonly GeneratedWebhook[],
  concurrency: number,
  after?: (delivered: Delivered, done: number) => Promise<void> | void,
): Promise<Delivered[]> => {
  let done = 0;
  return mapWithConcurrency(webhooks, concurrency, async (webhook) => {
    const response = await client.send(webhook.request);
    const delivered = { webhook, response, check: checkWebhookResponse(response) };
    done += 1;
    await after?.(delivered, done);
    return delivered;
  });
};

/** The result of one of the project's commands. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scripts/<name>.ts` as `npm run <name> -- <args>` would. */
export const runProjectScript = (name: string, args: readonly string[]): Promise<CommandResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
      cwd: REPOSITORY_ROOT,
      env: stackChildEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

/** `vendor/name: status body`, for the examples of a violation. */
export const describeDelivered = (delivered: Delivered): string =>
  `${delivered.webhook.vendor}/${delivered.webhook.name}: ${delivered.response.status} ${delivered.response.body.slice(0, 160)}`;
