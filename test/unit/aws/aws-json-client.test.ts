import { createHash, createHmac } from 'node:crypto';
import { AwsCallError } from '../../../shared/aws/aws-call-error';
import { readAwsEnvironment } from '../../../shared/aws/aws-environment';
import type { AwsHttpRequest } from '../../../shared/aws/aws-json-client';
import { AwsJsonClient, type AwsJsonClientOptions } from '../../../shared/aws/aws-json-client';
import { SQS_JSON_SERVICE } from '../../../shared/aws/sqs-send-message';
import {
  jsonAnswer,
  scriptedTransport,
  type ScriptedOutcome,
} from '../../support/scripted-transport';

const SIGNING_DATE = new Date('2026-11-23T10:00:00.000Z');
const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY',
  AWS_SECRET_ACCESS_KEY: 'example/secret/key',
  AWS_SESSION_TOKEN: 'example-session-token',
};

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer =>
  createHmac('sha256', key).update(text).digest();

/** SigV4 computed from its definition, independently of the signer under test. */
const expectedSignature = (request: AwsHttpRequest, signedHeaders: readonly string[]): string => {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value.trim()]),
  );
  const canonicalRequest = [
    'POST',
    request.url.pathname,
    '',
    ...signedHeaders.map((name) => `${name}:${headers[name] ?? ''}`),
    '',
    signedHeaders.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const scope = `20261123/eu-west-1/sqs/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    '20261123T100000Z',
    scope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const key = ['eu-west-1', 'sqs', 'aws4_request'].reduce(
    (previous, part) => hmac(previous, part),
    hmac(`AWS4${ENV.AWS_SECRET_ACCESS_KEY}`, '20261123'),
  );
  return hmac(key, stringToSign).toString('hex');
};

const client = (outcomes: ScriptedOutcome[], options: Partial<AwsJsonClientOptions> = {}) => {
  const script = scriptedTransport(...outcomes);
  const pauses: number[] = [];
  const sqs = new AwsJsonClient({
    service: SQS_JSON_SERVICE,
    environment: readAwsEnvironment({ ...ENV, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324' }),
    maxAttempts: 2,
    attemptTimeoutMs: 2000,
    transport: script.transport,
    now: () => SIGNING_DATE,
    random: () => 0.999,
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  return { sqs, requests: script.requests, pauses };
};

describe('AwsJsonClient signing', () => {
  it('posts the JSON body with the protocol headers, signed with SigV4 for the service and region', async () => {
    // Prepare
    const { sqs, requests } = client([jsonAnswer(200, { ok: true })]);

    // Act
    const output = await sqs.call('SendMessage', { QueueUrl: 'q', MessageBody: 'b' });

    // Assess
    expect(output).toEqual({ ok: true });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    if (request === undefined) throw new Error('no request');
    expect(request.url.href).toBe('http://127.0.0.1:9324/');
    expect(request.body).toBe('{"QueueUrl":"q","MessageBody":"b"}');
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AmazonSQS.SendMessage',
      'x-amz-date': '20261123T100000Z',
      'x-amz-security-token': ENV.AWS_SESSION_TOKEN,
    });
    const match =
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY\/20261123\/eu-west-1\/sqs\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        request.headers.authorization ?? '',
      );
    const signedHeaders = match?.[1]?.split(';') ?? [];
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-amz-target']),
    );
    expect(match?.[2]).toBe(expectedSignature(request, signedHeaders));
  });

  it('refuses to call, without retrying, when the environment has no credentials', async () => {
    // Prepare
    const { sqs, requests } = client([jsonAnswer(200, {})], {
      environment: readAwsEnvironment({ AWS_REGION: 'eu-west-1' }),
    });

    // Act
    const call = sqs.call('SendMessage', {});

    // Assess
    await expect(call).rejects.toMatchObject({ code: 'CredentialsMissing', retryable: false });
    expect(requests).toHaveLength(0);
  });
});

describe('AwsJsonClient errors and retries', () => {
  const throttled = jsonAnswer(400, { __type: 'com.amazonaws.sqs#ThrottlingException' });
  const missingQueue = jsonAnswer(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist' });
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

  it('retries a throttled call once, after a jittered pause, and succeeds', async () => {
    // Prepare
    const { sqs, requests, pauses } = client([throttled, jsonAnswer(200, { MessageId: 'm' })]);

    // Act
    const output = await sqs.call('SendMessage', {});

    // Assess
    expect(output).toEqual({ MessageId: 'm' });
    expect(requests).toHaveLength(2);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThanOrEqual(0);
    expect(pauses[0]).toBeLessThan(100);
  });

  it.each([
    ['a throttling answer', throttled, 'ThrottlingException', 400],
    ['a 5xx answer', jsonAnswer(500, { __type: 'InternalError' }), 'InternalError', 500],
    ['a refused connection', refused, 'ECONNREFUSED', undefined],
  ])(
    'stops after maxAttempts on %s and rejects with a retryable AwsCallError',
    async (_label, outcome, code, statusCode) => {
      // Prepare
      const { sqs, requests } = client([outcome], { maxAttempts: 3 });

      // Act
      const call = sqs.call('SendMessage', {});

      // Assess
      await expect(call).rejects.toBeInstanceOf(AwsCallError);
      await expect(call).rejects.toMatchObject({ code, statusCode, retryable: true });
      expect(requests).toHaveLength(3);
    },
  );

  it('stops retrying once the retry quota is spent: 500 tokens, 5 per retry', async () => {
    // Prepare: every attempt refused, 8 attempts per call; 100 retries fit the quota.
    const { sqs, requests } = client([refused], { maxAttempts: 8 });

    // Act: 15 calls would make 7 retries each (105) without a quota.
    for (let call = 0; call < 15; call += 1) {
      await expect(sqs.call('SendMessage', {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    const afterQuota = requests.length;
    await expect(sqs.call('SendMessage', {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // Assess: 15 first attempts and 100 retries, then a call with no retry at all.
    expect(afterQuota).toBe(15 + 100);
    expect(requests.length - afterQuota).toBe(1);
  });

  it('refills the quota from calls that succeed', async () => {
    // Prepare: a quota spent down to no retry, then answers again.
    const script: ScriptedOutcome[] = [
      ...Array.from({ length: 15 * 8 }, () => refused),
      jsonAnswer(200, {}),
      jsonAnswer(200, {}),
      jsonAnswer(200, {}),
      jsonAnswer(200, {}),
      jsonAnswer(200, {}),
      throttled,
      jsonAnswer(200, { MessageId: 'after' }),
    ];
    const { sqs, requests } = client(script, { maxAttempts: 8 });
    for (let call = 0; call < 15; call += 1) {
      await sqs.call('SendMessage', {}).catch(() => undefined);
    }
    const spent = requests.length;
    // The quota is spent (100 retries); the rest of the refusals are drained by single attempts.
    while (requests.length < 15 * 8) await sqs.call('SendMessage', {}).catch(() => undefined);

    // Act: five successes give back 5 tokens, enough for one retry of the throttled call.
    for (let call = 0; call < 5; call += 1) await sqs.call('SendMessage', {});
    const output = await sqs.call('SendMessage', {});

    // Assess
    expect(spent).toBe(115);
    expect(output).toEqual({ MessageId: 'after' });
  });

  it('keeps the network error as the cause', async () => {
    // Prepare
    const { sqs } = client([refused], { maxAttempts: 1 });

    // Act
    const call = sqs.call('SendMessage', {});

    // Assess
    await expect(call).rejects.toMatchObject({ cause: refused });
  });

  it('does not retry a 4xx that will answer the same again', async () => {
    // Prepare
    const { sqs, requests, pauses } = client([missingQueue]);

    // Act
    const call = sqs.call('SendMessage', {});

    // Assess
    await expect(call).rejects.toMatchObject({
      code: 'QueueDoesNotExist',
      statusCode: 400,
      retryable: false,
    });
    expect(requests).toHaveLength(1);
    expect(pauses).toHaveLength(0);
  });

  it('hands each attempt its deadline', async () => {
    // Prepare
    const { sqs, requests } = client([jsonAnswer(200, {})], { attemptTimeoutMs: 1234 });

    // Act
    await sqs.call('SendMessage', {});

    // Assess
    expect(requests[0]?.timeoutMs).toBe(1234);
  });
});
