/**
 * Bundle-time replacement of `@smithy/core/event-streams` (see `BUNDLE_ALIASES`). The SDK loads
 * it only for operations with event-stream members, and no SQS, DynamoDB or Secrets Manager
 * operation has one; should that ever change, the call fails with this message instead of
 * misbehaving.
 */
const notBundled = (): never => {
  throw new Error('event streams are not bundled: no operation this service calls uses them');
};

/** Stands in for the SDK's event-stream serde; constructing it fails (see above). */
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}

/** Stands in for the SDK's event-stream marshaller factory; calling it fails (see above). */
export const eventStreamSerdeProvider = (): never => notBundled();
