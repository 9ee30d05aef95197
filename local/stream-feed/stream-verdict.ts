import * as v from 'valibot';
import type { InvocationOutcome } from '../lambda/invoke-handler';

/** How one invocation on a batch of stream records ended, as the mapping acts on it. */
export type StreamVerdict =
  | { readonly kind: 'done' }
  /** Records before `retryFrom` are done; the batch is retried from that record on. */
  | { readonly kind: 'retry-from'; readonly retryFrom: number }
  /** The function failed as a whole: the batch is retried (bisected first, when configured). */
  | { readonly kind: 'error'; readonly reason: string };

const FailureListSchema = v.nullish(
  v.array(v.object({ itemIdentifier: v.pipe(v.string(), v.minLength(1)) })),
);

/**
 * Reads an invocation the way Lambda's stream event source mapping does with
 * `ReportBatchItemFailures`:
 * - no response, `{}`, or an empty or null `batchItemFailures` → the batch is done;
 * - listed sequence numbers → the lowest listed one is the checkpoint: every record before it is
 *   done, and the batch is retried from it;
 * - an identifier that is empty, not a sequence number of the batch, a response that is not an
 *   object, an error or a timeout → the function failed: the whole batch is retried.
 */
export const streamVerdict = (
  outcome: InvocationOutcome,
  sequenceNumbers: readonly string[],
): StreamVerdict => {
  if (outcome.kind === 'threw') {
    const name = outcome.error instanceof Error ? outcome.error.name : typeof outcome.error;
    return { kind: 'error', reason: `the function threw ${name}` };
  }
  if (outcome.kind === 'timed-out') {
    return { kind: 'error', reason: `the function timed out after ${outcome.timeoutMs} ms` };
  }
  const response = outcome.value;
  if (response === undefined || response === null) return { kind: 'done' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'error', reason: 'the function returned something other than an object' };
  }
  const list = v.safeParse(
    FailureListSchema,
    'batchItemFailures' in response ? response.batchItemFailures : undefined,
  );
  if (!list.success) {
    return { kind: 'error', reason: 'batchItemFailures has an invalid itemIdentifier' };
  }
  let retryFrom: number | undefined;
  for (const item of list.output ?? []) {
    const index = sequenceNumbers.indexOf(item.itemIdentifier);
    if (index < 0) {
      return { kind: 'error', reason: `itemIdentifier ${item.itemIdentifier} is not in the batch` };
    }
    retryFrom = retryFrom === undefined ? index : Math.min(retryFrom, index);
  }
  return retryFrom === undefined ? { kind: 'done' } : { kind: 'retry-from', retryFrom };
};
