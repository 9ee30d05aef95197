import {
  AwsCallError,
  errorCodeOf,
  isRetryableAnswer,
  networkCodeOf,
} from '../../../shared/aws/aws-call-error';
import { isRetryable, ServiceError } from '../../../shared/errors/service-error';

describe('AwsCallError', () => {
  it('is a ServiceError that carries its cause and says whether to retry', () => {
    // Prepare
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

    // Act
    const error = new AwsCallError({
      service: 'sqs',
      operation: 'SendMessage',
      code: networkCodeOf(cause),
      retryable: true,
      cause,
    });

    // Assess
    expect(error).toBeInstanceOf(ServiceError);
    expect(isRetryable(error)).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('AwsCallError');
    expect(error.message).toBe('sqs.SendMessage failed: ECONNREFUSED');
  });
});

describe('isRetryableAnswer', () => {
  it.each([
    [400, 'ThrottlingException', true],
    [400, 'RequestThrottled', true],
    [429, 'TooManyRequestsException', true],
    [500, 'InternalError', true],
    [503, 'ServiceUnavailable', true],
    [502, 'UnknownError', true],
    [400, 'QueueDoesNotExist', false],
    [400, 'AccessDeniedException', false],
    [403, 'UnrecognizedClientException', false],
    [400, 'ResourceNotFoundException', false],
    [413, 'UnknownError', false],
  ])('answers HTTP %i %s: retryable %s', (statusCode, code, expected) => {
    // Act
    const retryable = isRetryableAnswer(statusCode, code);

    // Assess
    expect(retryable).toBe(expected);
  });
});

describe('errorCodeOf', () => {
  it.each([
    [{}, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'x' }, 'QueueDoesNotExist'],
    [{}, { __type: 'ResourceNotFoundException' }, 'ResourceNotFoundException'],
    [
      { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' },
      {},
      'ThrottlingException',
    ],
    [{}, undefined, 'UnknownError'],
  ])('reads the code from headers %j and body %j', (headers, body, expected) => {
    // Act
    const code = errorCodeOf(headers, body);

    // Assess
    expect(code).toBe(expected);
  });
});
