import {
  WORKER_DYNAMODB_MAX_ATTEMPTS,
  workerRetryDelayMs,
} from '../../../shared/worker/worker-dynamodb-client';

describe('workerRetryDelayMs', () => {
  it('waits up to 50 ms before the first retry, doubling per retry up to 1 s', () => {
    // Prepare
    const highest = () => 0.999_999;
    const retries = Array.from(
      { length: WORKER_DYNAMODB_MAX_ATTEMPTS - 1 },
      (_, index) => index + 1,
    );

    // Act
    const ceilings = retries.map((attempt) => workerRetryDelayMs(attempt, highest) + 1);

    // Assess
    expect(ceilings).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    expect(ceilings.reduce((sum, ceiling) => sum + ceiling, 0)).toBe(3550);
  });

  it('draws each wait at random below its ceiling (full jitter)', () => {
    // Act
    const lowest = workerRetryDelayMs(4, () => 0);
    const middle = workerRetryDelayMs(4, () => 0.5);

    // Assess
    expect(lowest).toBe(0);
    expect(middle).toBe(200);
  });
});
