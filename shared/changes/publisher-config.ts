import { requiredString, type Env } from '../config/env';

/**
 * The publisher's settings, read once when its handler loads. EventBridge's and DynamoDB's
 * endpoints are not configured here: locally the SDK reads its own `AWS_ENDPOINT_URL_EVENTBRIDGE`
 * and `AWS_ENDPOINT_URL_DYNAMODB`, in AWS the default endpoints apply.
 */
export interface PublisherConfig {
  /** `EVENT_BUS_NAME`: the bus change events go to (a name, or an ARN for another account's). */
  readonly eventBusName: string;
  /** `RECORDS_TABLE`: read to count a completed collection's images. */
  readonly recordsTable: string;
}

/** Reads and checks the publisher's environment; throws `ConfigurationError` on a missing value. */
export const readPublisherConfig = (env: Env): PublisherConfig => ({
  eventBusName: requiredString(env, 'EVENT_BUS_NAME'),
  recordsTable: requiredString(env, 'RECORDS_TABLE'),
});
