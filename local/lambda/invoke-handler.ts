import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

/** A Lambda handler as the local runners see it: anything callable with (event, context). */
export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** How one invocation ended, the three ways Lambda distinguishes. */
export type InvocationOutcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timed-out'; readonly timeoutMs: number };

/**
 * Invokes a handler the way the Lambda runtime does, with its function timeout. A timed-out
 * invocation is reported as such and abandoned (Lambda would freeze it; in one process it may
 * still finish in the background, which is harmless because every effect is idempotent).
 */
export const invokeHandler = async (
  handler: LambdaHandler,
  event: unknown,
  options: { functionName: string; timeoutMs: number; requestId?: string },
): Promise<InvocationOutcome> => {
  const context = lambdaContext(options.functionName, options.timeoutMs, options.requestId);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'timed-out', timeoutMs: options.timeoutMs }),
      options.timeoutMs,
    );
  });
  const run = (async (): Promise<InvocationOutcome> => {
    try {
      return { kind: 'returned', value: await handler(event, context) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
