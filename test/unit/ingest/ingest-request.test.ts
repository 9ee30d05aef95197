import { toIngestRequest } from '../../../shared/ingest/ingest-request';
import { apiGatewayEvent, RECEIVED_AT } from './support/api-gateway-event';

const FALLBACKS = { now: new Date('2030-01-01T00:00:00.000Z'), requestId: 'lambda-request-id' };

describe('toIngestRequest', () => {
  it('decodes a base64 body to its exact bytes', () => {
    // Prepare
    const original = Buffer.from([0x00, 0xff, 0x7b, 0x7d]);
    const event = apiGatewayEvent({
      path: '/x',
      body: original.toString('base64'),
      isBase64Encoded: true,
    });

    // Act
    const request = toIngestRequest(event, FALLBACKS);

    // Assess
    expect(request.body.equals(original)).toBe(true);
  });

  it('takes a text body as UTF-8 bytes and a missing body as empty', () => {
    // Prepare
    const withText = apiGatewayEvent({ path: '/x', body: '{"name":"é"}' });
    const withoutBody = apiGatewayEvent({ path: '/x' });

    // Act
    const requests = [
      toIngestRequest(withText, FALLBACKS),
      toIngestRequest(withoutBody, FALLBACKS),
    ];

    // Assess
    expect(requests.map((request) => request.body.byteLength)).toEqual([13, 0]);
  });

  it('reads headers case-insensitively and joins a header repeated in different cases', () => {
    // Prepare
    const event = apiGatewayEvent({
      path: '/x',
      headers: {
        'X-Sharinpix-Event': 'new_image',
        'x-sharinpix-secret': 'a',
        'X-SHARINPIX-SECRET': 'b',
      },
    });

    // Act
    const request = toIngestRequest(event, FALLBACKS);

    // Assess
    expect(request.header('x-sharinpix-event')).toBe('new_image');
    expect(request.header('X-Sharinpix-Event')).toBe('new_image');
    expect(request.header('x-sharinpix-secret')).toBe('a,b');
    expect(request.header('x-absent')).toBeUndefined();
  });

  it('reads every repeat of a query parameter from the raw query string', () => {
    // Prepare
    const event = apiGatewayEvent({ path: '/x', rawQueryString: 'token=a&job=1&token=b%2Bc' });

    // Act
    const request = toIngestRequest(event, FALLBACKS);

    // Assess
    expect(request.queryValues('token')).toEqual(['a', 'b+c']);
    expect(request.queryValues('absent')).toEqual([]);
  });

  it('falls back to queryStringParameters only when a hand-made event has no raw query string', () => {
    // Prepare
    const handMade = apiGatewayEvent({ path: '/x' });
    Reflect.deleteProperty(handMade, 'rawQueryString');
    handMade.queryStringParameters = { token: 't-1' };

    // Act
    const request = toIngestRequest(handMade, FALLBACKS);

    // Assess
    expect(request.queryValues('token')).toEqual(['t-1']);
  });

  it('takes receipt time and request id from the gateway, with fallbacks for hand-made events', () => {
    // Prepare
    const fromGateway = apiGatewayEvent({ path: '/x', requestId: 'gw-1' });
    const withoutContextIds = apiGatewayEvent({ path: '/x' });
    Reflect.deleteProperty(withoutContextIds.requestContext, 'timeEpoch');
    Reflect.deleteProperty(withoutContextIds.requestContext, 'requestId');

    // Act
    const requests = [
      toIngestRequest(fromGateway, FALLBACKS),
      toIngestRequest(withoutContextIds, FALLBACKS),
    ];

    // Assess
    expect(
      requests.map((request) => [request.receivedAt.toISOString(), request.requestId]),
    ).toEqual([
      [RECEIVED_AT.toISOString(), 'gw-1'],
      [FALLBACKS.now.toISOString(), 'lambda-request-id'],
    ]);
  });
});
