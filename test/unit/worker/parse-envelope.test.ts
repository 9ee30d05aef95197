import { parseEnvelope } from '../../../shared/worker/worker-handler';
import { InvalidEnvelopeError } from '../../../shared/worker/worker-errors';
import { envelopeOfBody } from '../../integration/worker/support/envelopes';

describe('parseEnvelope', () => {
  it('reads back the envelope ingest queued', () => {
    // Prepare
    const envelope = envelopeOfBody('spyne', 'v2-sample-a');

    // Act
    const parsed = parseEnvelope('msg-1', JSON.stringify(envelope));

    // Assess
    expect(parsed).toEqual(envelope);
  });

  it('refuses a body that is not JSON, without quoting it', () => {
    // Act
    const parse = () => parseEnvelope('msg-1', '{"payload":"secret-value"');

    // Assess
    expect(parse).toThrow(InvalidEnvelopeError);
    expect(parse).toThrow('message msg-1 is not a valid event envelope (body)');
    expect(parse).not.toThrow(/secret-value/);
  });

  it('names the failing fields of a wrong shape, never their values', () => {
    // Prepare
    const envelope = { ...envelopeOfBody('spyne', 'v2-sample-a'), version: 2, eventId: '' };

    // Act
    let error: unknown;
    try {
      parseEnvelope('msg-2', JSON.stringify(envelope));
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidEnvelopeError);
    expect(error instanceof InvalidEnvelopeError ? error.issuePaths : []).toEqual([
      'version',
      'eventId',
    ]);
    expect(String(error)).not.toContain('523a07fa');
  });
});
