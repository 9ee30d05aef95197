import {
  executeApiRegionOf,
  readApiHeaders,
  sigV4GetHeaders,
} from '../../../scripts/lib/signed-request';

/** AWS's documented example key pair (SigV4 documentation, "Signature Version 4 examples"). */
const EXAMPLE_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

const credentialsThat = (credentials: typeof EXAMPLE_CREDENTIALS & { sessionToken?: string }) =>
  jest.fn(() => Promise.resolve(credentials));

describe('sigV4GetHeaders', () => {
  it("reproduces AWS's documented example signature (IAM ListUsers, 2015-08-30T12:36:00Z)", async () => {
    // Prepare
    const url = new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08');

    // Act
    const headers = await sigV4GetHeaders(
      {
        url,
        service: 'iam',
        region: 'us-east-1',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        signingDate: new Date('2015-08-30T12:36:00Z'),
      },
      credentialsThat(EXAMPLE_CREDENTIALS),
    );

    // Assess
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });
});

describe('readApiHeaders', () => {
  it('signs a request to the deployed API for execute-api in its region, with the session token', async () => {
    // Prepare
    const credentials = credentialsThat({ ...EXAMPLE_CREDENTIALS, sessionToken: 'session-1' });
    const url = new URL(
      'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/images?vendor=spyne&collection=s%201',
    );

    // Act
    const headers = await readApiHeaders(url, credentials);

    // Assess
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-security-token']).toBe('session-1');
    expect(credentials).toHaveBeenCalled();
  });

  it('leaves requests to the local stack unsigned, without looking for credentials', async () => {
    // Prepare
    const credentials = credentialsThat(EXAMPLE_CREDENTIALS);

    // Act
    const headers = await readApiHeaders(
      new URL('http://127.0.0.1:3000/images/spyne/x'),
      credentials,
    );

    // Assess
    expect(headers).toEqual({});
    expect(credentials).not.toHaveBeenCalled();
  });

  it.each([
    ['https://abc123.execute-api.us-east-2.amazonaws.com/images', 'us-east-2'],
    ['https://api.example.com/images', undefined],
    ['https://abc123.execute-api.us-east-2.amazonaws.com.evil.test/images', undefined],
  ])('finds the region of %s: %s', (url, region) => {
    expect(executeApiRegionOf(new URL(url))).toBe(region);
  });
});
