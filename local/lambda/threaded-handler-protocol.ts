import * as v from 'valibot';
import { ServiceError } from '../../shared/errors/service-error';

/** One invocation sent to a function's thread. */
export const InvocationRequestSchema = v.object({
  id: v.number(),
  event: v.unknown(),
  requestId: v.string(),
  /** The function timeout left, so `getRemainingTimeInMillis` counts down as in Lambda. */
  remainingMs: v.number(),
});
export type InvocationRequest = v.InferOutput<typeof InvocationRequestSchema>;

/** An error as it crosses the thread boundary: what Lambda itself reports of one. */
export const SerializedErrorSchema = v.object({
  name: v.string(),
  message: v.string(),
  stack: v.optional(v.string()),
});
export type SerializedError = v.InferOutput<typeof SerializedErrorSchema>;

/** What an invocation wrote to stdout or stderr in its thread, in order. */
const WritesSchema = v.array(
  v.object({ stream: v.picklist(['stdout', 'stderr']), text: v.string() }),
);

/**
 * The answer to one invocation, with what it wrote: the caller writes that again in its own
 * async context, so the local stack's log capture attributes it to this invocation.
 */
export const InvocationReplySchema = v.union([
  v.object({ id: v.number(), ok: v.literal(true), value: v.unknown(), writes: WritesSchema }),
  v.object({
    id: v.number(),
    ok: v.literal(false),
    error: SerializedErrorSchema,
    writes: WritesSchema,
  }),
]);
export type InvocationReply = v.InferOutput<typeof InvocationReplySchema>;

export const serializeError = (error: unknown): SerializedError =>
  error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { name: 'Error', message: String(error) };

/** The error a handler threw in its thread, rebuilt on this side with its name and stack. */
export class HandlerThreadError extends ServiceError {
  readonly retryable = false;

  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    if (serialized.stack !== undefined) this.stack = serialized.stack;
  }
}
