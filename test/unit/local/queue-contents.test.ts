import { withHeldMessages } from '../../../local/sqs/queue-snapshot';
import type { QueuedMessage } from '../../../local/sqs/queued-message';

const message = (messageId: string, receiveCount: number): QueuedMessage => ({
  messageId,
  body: `{"eventId":"${messageId}"}`,
  messageAttributes: { eventId: { dataType: 'String', stringValue: messageId } },
  receiveCount,
});

describe('adding the messages the worker feed holds to a queue snapshot', () => {
  it('adds held messages to the main queue, and those out of receives to the DLQ', () => {
    // Prepare
    const visible = { main: [message('visible', 0)], dlq: [], quarantine: [message('q', 1)] };
    const held = [message('retrying', 2), message('exhausted', 5)];

    // Act
    const contents = withHeldMessages(visible, held, 5);

    // Assess
    expect(contents.main.map((m) => m.messageId)).toEqual(['visible', 'retrying']);
    expect(contents.dlq.map((m) => m.messageId)).toEqual(['exhausted']);
    expect(contents.quarantine.map((m) => m.messageId)).toEqual(['q']);
  });

  it('does not add a held message the queues showed anyway (its timeout ran out meanwhile)', () => {
    // Prepare
    const visible = { main: [], dlq: [message('moved-to-dlq', 5)], quarantine: [] };
    const held = [message('moved-to-dlq', 5), message('twice', 1), message('twice', 1)];

    // Act
    const contents = withHeldMessages(visible, held, 5);

    // Assess
    expect(contents.dlq.map((m) => m.messageId)).toEqual(['moved-to-dlq']);
    expect(contents.main.map((m) => m.messageId)).toEqual(['twice']);
  });
});
