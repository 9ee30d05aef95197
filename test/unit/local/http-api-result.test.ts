import { toGatewayResponse } from '../../../local/gateway/http-api-result';

describe('mapping a handler result to the HTTP response (payload 2.0)', () => {
  it('writes a structured result: status, lower-case headers, cookies and the body', () => {
    // Prepare
    const result = {
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3, 'X-Flag': true },
      cookies: ['a=1; Path=/', 'b=2'],
      body: '{"ok":true}',
    };

    // Act
    const response = toGatewayResponse(result);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'x-count': '3',
      'x-flag': 'true',
    });
    expect(response.cookies).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.body.toString('utf8')).toBe('{"ok":true}');
  });

  it('decodes a base64 body when isBase64Encoded is set', () => {
    // Prepare
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);

    // Act
    const response = toGatewayResponse({
      statusCode: 200,
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });

    // Assess
    expect(response.body.equals(bytes)).toBe(true);
  });

  it('answers a result without statusCode as 200 JSON: objects serialized, strings as they are', () => {
    // Prepare
    const object = { hello: 'world' };

    // Act
    const fromObject = toGatewayResponse(object);
    const fromString = toGatewayResponse('plain text');

    // Assess
    expect(fromObject.statusCode).toBe(200);
    expect(fromObject.headers['content-type']).toBe('application/json');
    expect(fromObject.body.toString('utf8')).toBe('{"hello":"world"}');
    expect(fromString.body.toString('utf8')).toBe('plain text');
  });

  it.each([
    [{ statusCode: '200' }],
    [{ statusCode: 42 }],
    [{ statusCode: 200, body: { not: 'a string' } }],
    [{ statusCode: 200, cookies: 'a=1' }],
  ])('answers a malformed structured result %j with 500, as API Gateway does', (result) => {
    // Prepare
    const malformed: unknown = result;

    // Act
    const response = toGatewayResponse(malformed);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ error: 'internal_server_error' });
  });
});
