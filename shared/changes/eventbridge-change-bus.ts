import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CHANGE_EVENT_SOURCE, type ChangeEvent } from './change-event';
import type { ChangeEventBus } from './change-event-bus';

/**
 * The bus as EventBridge: one `PutEvents` per batch. A refused entry (throttled, internal error)
 * comes back with an `ErrorCode` in its position and is reported as failed; the caller retries
 * it. A failed call (network, auth) throws, failing the whole batch.
 */
export class EventBridgeChangeBus implements ChangeEventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async put(events: readonly ChangeEvent[]): Promise<{ failed: number[] }> {
    const output = await this.client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          EventBusName: this.eventBusName,
          Source: CHANGE_EVENT_SOURCE,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
        })),
      }),
    );
    const failed: number[] = [];
    events.forEach((_, index) => {
      const entry = output.Entries?.[index];
      if (entry === undefined || entry.ErrorCode !== undefined || entry.EventId === undefined) {
        failed.push(index);
      }
    });
    return { failed };
  }
}
