import type { EventQueue, QueueMessage } from '../../../../shared/queue/event-queue';

/**
 * The `EventQueue` port held in memory: an implementation of our own port, not a mock of AWS.
 * `failWith` makes every send reject, as an unreachable queue would.
 */
export class InMemoryEventQueue implements EventQueue {
  readonly messages: QueueMessage[] = [];
  failWith: Error | undefined;

  readonly send = (message: QueueMessage): Promise<void> => {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    this.messages.push(message);
    return Promise.resolve();
  };

  /** The JSON bodies sent so far, parsed. */
  bodies(): unknown[] {
    return this.messages.map((message) => JSON.parse(message.body));
  }
}
