import { requiredString, type Env } from '../config/env';
import { type CursorKeySource, cursorKeySource } from './cursor-signing-key';

/**
 * The read API's settings, read once when the handler module loads; a bad or missing value throws
 * `ConfigurationError` there. DynamoDB's endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` locally.
 */
export interface ReadConfig {
  /** `RECORDS_TABLE`: the image records table. */
  readonly recordsTable: string;
  /** Where the collection cursors' HMAC key comes from (see `cursorKeySource`). */
  readonly cursorKey: CursorKeySource;
}

/** Reads and checks the read API's environment. */
export const readReadConfig = (env: Env): ReadConfig => ({
  recordsTable: requiredString(env, 'RECORDS_TABLE'),
  cursorKey: cursorKeySource(env),
});
