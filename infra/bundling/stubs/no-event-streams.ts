/**
 * Bundle-time replacement of `@smithy/core/event-streams` (see `BUNDLE_ALIASES`). The SDK loads
 * it only for operations with event-stream members, and no EventBridge operation (the one service
 * a function still calls through an SDK client) has one; should that ever change, the call fails
 * with this message instead of misbehaving.
 */
const notBundled = (): never => {
  throw new Error('event streams are not bundled: no operation this service calls uses them');
};

/**
 * Stands in for the SDK's event-stream serde class; constructing it fails (see above). A function
 * declaration, not an arrow, so that `new EventStreamSerde(…)` reaches the clear error.
 */
export function EventStreamSerde(): never {
  return notBundled();
}

/** Stands in for the SDK's event-stream marshaller factory; calling it fails (see above). */
export const eventStreamSerdeProvider = (): never => notBundled();
