import { ConfigurationError } from '../../../shared/config/env';
import { isRetryable, ServiceError } from '../../../shared/errors/service-error';
import { EnqueueError } from '../../../shared/queue/event-queue';
import { CursorKeyUnavailableError } from '../../../shared/read/cursor-key-provider';
import { SecretsUnavailableError } from '../../../shared/secrets/webhook-secrets';
import {
  ConcurrentUpdateError,
  CorruptItemError,
  RecordTooLargeError,
  StoreOperationError,
} from '../../../shared/store/store-errors';
import {
  InvalidEnvelopeError,
  InvalidPayloadError,
  MissingAliasStoreError,
  UnsupportedVendorError,
} from '../../../shared/worker/worker-errors';
import { ReadApiError } from '../../../scripts/lib/read-api-client';

const cause = { cause: new Error('socket hang up') };

describe('the service errors', () => {
  it.each([
    ['a failed store call', new StoreOperationError('GetItem', 'records', cause), true],
    ['a lost write race', new ConcurrentUpdateError('spyne#a', 3), true],
    ['an unreachable queue', new EnqueueError('timed out', 'https://q', cause), true],
    ['unreadable secrets', new SecretsUnavailableError('timed out', 'arn:s', cause), true],
    ['an unreadable cursor key', new CursorKeyUnavailableError('timed out', 'arn:c', cause), true],
    ['a read API that answered 503', new ReadApiError('unavailable', 'https://api', 503), true],
    ['a read API that answered 429', new ReadApiError('throttled', 'https://api', 429), true],
    ['a read API that could not be reached', new ReadApiError('refused', 'https://api'), true],
    ['a read API that answered 404', new ReadApiError('missing', 'https://api', 404), false],
    ['a record over the item limit', new RecordTooLargeError('spyne#a', 500_000, 400_000), false],
    ['a corrupt item', new CorruptItemError('records', 'spyne#a', 'no state'), false],
    ['an invalid envelope', new InvalidEnvelopeError('message-1', ['vendor']), false],
    ['an unknown vendor', new UnsupportedVendorError('event-1', 'acme'), false],
    ['a missing alias store', new MissingAliasStoreError('cloudinary'), false],
    ['a payload that fails its schema', new InvalidPayloadError('event-1', ['id']), false],
    [
      'a configuration error',
      new ConfigurationError('is required but not set', 'QUEUE_URL'),
      false,
    ],
  ])('say whether a retry may cure them: %s', (_, error, retryable) => {
    // Act
    const verdict = isRetryable(error);

    // Assess
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.retryable).toBe(retryable);
    expect(verdict).toBe(retryable);
  });

  it('count nothing else as retryable', () => {
    // Act
    const verdicts = [new Error('plain'), 'text', undefined].map(isRetryable);

    // Assess
    expect(verdicts).toEqual([false, false, false]);
  });
});
