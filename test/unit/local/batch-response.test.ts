import { batchVerdict } from '../../../local/worker-feed/batch-response';

const IDS = ['m-1', 'm-2', 'm-3'];

describe('reading a worker response like the SQS event source mapping', () => {
  it.each([
    ['no response', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an empty failure list', { batchItemFailures: [] }],
    ['a null failure list', { batchItemFailures: null }],
  ])('treats %s as a complete success', (_name, value) => {
    // Prepare
    const outcome = { kind: 'returned' as const, value };

    // Act
    const verdict = batchVerdict(outcome, IDS);

    // Assess
    expect(verdict).toEqual({ kind: 'partial', failed: new Set() });
  });

  it('fails only the listed messages', () => {
    // Prepare
    const outcome = {
      kind: 'returned' as const,
      value: { batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] },
    };

    // Act
    const verdict = batchVerdict(outcome, IDS);

    // Assess
    expect(verdict).toEqual({ kind: 'partial', failed: new Set(['m-2', 'm-3']) });
  });

  it.each([
    ['an identifier not in the batch', { batchItemFailures: [{ itemIdentifier: 'other' }] }],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misnamed key', { batchItemFailures: [{ id: 'm-1' }] }],
    ['a response that is not an object', 'ok'],
  ])('fails the whole batch for %s', (_name, value) => {
    // Prepare
    const outcome = { kind: 'returned' as const, value };

    // Act
    const verdict = batchVerdict(outcome, IDS);

    // Assess
    expect(verdict.kind).toBe('all-failed');
  });

  it('fails the whole batch when the worker throws or times out', () => {
    // Prepare
    const threw = { kind: 'threw' as const, error: new TypeError('boom') };
    const timedOut = { kind: 'timed-out' as const, timeoutMs: 5000 };

    // Act
    const verdicts = [batchVerdict(threw, IDS), batchVerdict(timedOut, IDS)];

    // Assess
    expect(verdicts).toEqual([
      { kind: 'all-failed', reason: 'the worker threw TypeError' },
      { kind: 'all-failed', reason: 'the worker timed out after 5000 ms' },
    ]);
  });
});
