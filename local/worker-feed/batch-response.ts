import * as v from 'valibot';
import type { InvocationOutcome } from '../lambda/invoke-handler';

/** Which messages of a batch to delete and which to leave to the visibility timeout. */
export type BatchVerdict =
  | { readonly kind: 'partial'; readonly failed: ReadonlySet<string> }
  | { readonly kind: 'all-failed'; readonly reason: string };

const FailureListSchema = v.nullish(
  v.array(v.object({ itemIdentifier: v.pipe(v.string(), v.minLength(1)) })),
);

/**
 * Reads a worker invocation the way Lambda's SQS event source mapping does with
 * `ReportBatchItemFailures`:
 * - no response, `{}`, or an empty or null `batchItemFailures` → the whole batch succeeded;
 * - listed `itemIdentifier`s failed, the rest succeeded;
 * - a listed identifier that is empty, null, misnamed or not in the batch, a response that is
 *   not an object, an error or a timeout → the whole batch failed (nothing is deleted).
 */
export const batchVerdict = (
  outcome: InvocationOutcome,
  messageIds: readonly string[],
): BatchVerdict => {
  if (outcome.kind === 'threw') {
    const name = outcome.error instanceof Error ? outcome.error.name : typeof outcome.error;
    return { kind: 'all-failed', reason: `the worker threw ${name}` };
  }
  if (outcome.kind === 'timed-out') {
    return { kind: 'all-failed', reason: `the worker timed out after ${outcome.timeoutMs} ms` };
  }
  const response = outcome.value;
  if (response === undefined || response === null) return { kind: 'partial', failed: new Set() };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'all-failed', reason: 'the worker returned something other than an object' };
  }
  const list = v.safeParse(
    FailureListSchema,
    'batchItemFailures' in response ? response.batchItemFailures : undefined,
  );
  if (!list.success) {
    return { kind: 'all-failed', reason: 'batchItemFailures has an invalid itemIdentifier' };
  }
  const inBatch = new Set(messageIds);
  const failed = new Set<string>();
  for (const item of list.output ?? []) {
    if (!inBatch.has(item.itemIdentifier)) {
      return {
        kind: 'all-failed',
        reason: `itemIdentifier ${item.itemIdentifier} is not in the batch`,
      };
    }
    failed.add(item.itemIdentifier);
  }
  return { kind: 'partial', failed };
};
