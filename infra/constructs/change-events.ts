import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pinLogicalId } from './pinned-logical-id';
import { PARKED_MESSAGE_RETENTION } from './webhook-queues';

/** Where the change events go, and where the stream mapping parks what it gave up on. */
export interface ChangeEventsProps {
  /** The bus to use instead of creating one (context `changeEventBusArn`). */
  readonly existingBusArn: string | undefined;
  /** The name of the bus the stack creates: the stack name, which carries the stage. */
  readonly busNamePrefix: string;
}

/**
 * The push side of the pipeline, apart from the publisher function itself:
 *
 * - the EventBridge bus the publisher puts `Image Record Changed` and `Collection Completed` on:
 *   a custom bus created by the stack (`<stack>-changes`), or an existing one given by context,
 *   so an organisation that routes every team's events through one bus can point the stack at
 *   it. Consumers attach rules to it; the stack attaches none;
 * - the on-failure queue of the stream mapping: when a batch of stream records still cannot be
 *   published after the mapping's retries, Lambda sends a message naming the shard and the
 *   sequence range there (not the records), and the stream keeps the records themselves for the
 *   rest of its 24 h. Nothing consumes it; its depth alarms.
 */
export class ChangeEvents extends Construct {
  readonly bus: events.IEventBus;
  /** Whether the stack created the bus (and so owns its name and lifecycle). */
  readonly busCreated: boolean;
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ChangeEventsProps) {
    super(scope, id);

    if (props.existingBusArn === undefined) {
      const bus = new events.EventBus(this, 'Bus', {
        eventBusName: `${props.busNamePrefix}-changes`,
        description:
          'Change events of the vendor webhook records: Image Record Changed and Collection Completed (source vendor-webhooks)',
      });
      pinLogicalId(bus, 'ChangeEventBus');
      this.bus = bus;
      this.busCreated = true;
    } else {
      this.bus = events.EventBus.fromEventBusArn(this, 'Bus', props.existingBusArn);
      this.busCreated = false;
    }

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: PARKED_MESSAGE_RETENTION,
    });
    pinLogicalId(this.failureQueue, 'ChangeStreamFailureQueue');
  }
}
