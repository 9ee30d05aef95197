import {
  allowedStatuses,
  BODY_LIMIT_BYTES,
  classifyContentType,
} from '../support/fuzz/fuzz-oracle';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('the fuzz oracle: what the contract allows for a request', () => {
  it('checks size first, then content type, then credentials, then the body', () => {
    // Prepare
    const huge = Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x61);
    const cases = [
      { route: 'sharinpix', body: huge, contentType: 'text/plain', authenticated: false },
      { route: 'sharinpix', body: json({}), contentType: 'text/plain', authenticated: false },
      {
        route: 'image-intelligence',
        body: json({}),
        contentType: 'application/x-www-form-urlencoded',
        authenticated: true,
      },
      {
        route: 'sharinpix',
        body: Buffer.from([0xff]),
        contentType: 'application/json',
        authenticated: false,
      },
      {
        route: 'sharinpix',
        body: Buffer.from([0xff]),
        contentType: 'application/json',
        authenticated: true,
      },
      {
        route: 'image-intelligence',
        body: json({ id: 'x' }),
        contentType: undefined,
        authenticated: true,
      },
    ] as const;

    // Act
    const allowed = cases.map((input) => allowedStatuses({ ...input, signatureValid: false }));

    // Assess
    expect(allowed).toEqual([[413], [415], [415], [401], [400], [200, 400, 413]]);
  });

  it('parses Spyne bodies before authenticating them, and refuses a signature it did not sign', () => {
    // Prepare
    const base = { route: 'spyne', contentType: 'application/json', authenticated: true } as const;

    // Act
    const malformedUnauthenticated = allowedStatuses({
      ...base,
      authenticated: false,
      body: Buffer.from('{'),
      signatureValid: false,
    });
    const forged = allowedStatuses({
      ...base,
      body: json({ signature: 'x' }),
      signatureValid: false,
    });
    const signed = allowedStatuses({
      ...base,
      body: json({ signature: 'x' }),
      signatureValid: true,
    });

    // Assess
    expect(malformedUnauthenticated).toEqual([400]);
    expect(forged).toEqual([401]);
    expect(signed).toEqual([200, 400, 413]);
  });

  it('reads form and +json types, and nothing else, as body formats', () => {
    // Prepare
    const headers = [
      'Application/JSON; charset=utf-8',
      'application/vnd.x+json',
      'application/x-www-form-urlencoded',
      'application/jsonp',
      'text/json',
      '',
    ];

    // Act
    const classes = headers.map(classifyContentType);

    // Assess
    expect(classes).toEqual(['json', 'json', 'form', 'unsupported', 'unsupported', 'json']);
  });
});
