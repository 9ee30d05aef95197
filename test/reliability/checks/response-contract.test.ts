import { checkWebhookResponse } from '../support/response-contract';

const json = { 'content-type': 'application/json' };
const answer = (status: number, body: unknown, headers: Record<string, string> = json) => ({
  status,
  headers,
  body: JSON.stringify(body),
});

describe('the response contract the suites hold every answer to', () => {
  it('accepts each row of the response table', () => {
    // Prepare
    const rows = [
      answer(200, { status: 'accepted', eventId: 'spyne:p:s:0123456789abcdef' }),
      answer(200, { status: 'ignored', eventId: 'sharinpix:new_publication:x:0123' }),
      answer(400, { error: 'malformed_body', message: 'body is not valid JSON' }),
      answer(400, {
        error: 'invalid_payload',
        message: 'body does not match',
        issues: [{ path: 'image_data.0.image_id', message: 'Invalid type' }],
      }),
      answer(401, { error: 'unauthorized' }),
      answer(413, { error: 'payload_too_large', limitBytes: 1_048_576 }),
      answer(415, { error: 'unsupported_media_type' }),
      answer(503, { error: 'temporarily_unavailable' }, { ...json, 'retry-after': '30' }),
    ];

    // Act
    const kinds = rows.map((row) => {
      const checked = checkWebhookResponse(row);
      return checked.ok ? checked.answer.kind : checked.problem;
    });

    // Assess
    expect(kinds).toEqual([
      'accepted',
      'ignored',
      'malformed_body',
      'invalid_payload',
      'unauthorized',
      'payload_too_large',
      'unsupported_media_type',
      'temporarily_unavailable',
    ]);
  });

  it.each([
    [
      'a 401 that hints at the failed check',
      answer(401, { error: 'unauthorized', reason: 'jwt_expired' }),
    ],
    [
      'bracketed issue paths',
      answer(400, {
        error: 'invalid_payload',
        message: 'm',
        issues: [{ path: 'image_data[0]', message: 'x' }],
      }),
    ],
    [
      'more than 10 issues',
      answer(400, {
        error: 'invalid_payload',
        message: 'm',
        issues: Array.from({ length: 11 }, () => ({ path: 'a', message: 'x' })),
      }),
    ],
    [
      'an invalid_payload without issues',
      answer(400, { error: 'invalid_payload', message: 'm', issues: [] }),
    ],
    ['a 503 without Retry-After', answer(503, { error: 'temporarily_unavailable' })],
    ['a 413 without limitBytes', answer(413, { error: 'payload_too_large' })],
    ['a 500', answer(500, { error: 'internal_error' })],
    [
      'a non-JSON content type',
      answer(401, { error: 'unauthorized' }, { 'content-type': 'text/plain' }),
    ],
    ['an empty eventId', answer(200, { status: 'accepted', eventId: '' })],
    ['no response at all', { status: 0, headers: {}, body: '' }],
  ])('refuses %s', (_name, response) => {
    // Prepare
    const input = response;

    // Act
    const checked = checkWebhookResponse(input);

    // Assess
    expect(checked.ok).toBe(false);
  });
});
