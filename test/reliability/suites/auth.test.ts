import { createHmac, randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { signRawBody } from '../../../shared/auth/authenticators';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import type { HttpRequest } from '../support/http-client';
import { HttpClient } from '../support/http-client';
import { base64url, buildJwt, spyneClaims } from '../support/jwt-forgery';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack-process';
import { examples } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { readHealth, waitUntilQuiet } from '../support/stack-health';
import { scanLedger } from '../support/tables';
import { fixtureBodies, withUniqueIds } from '../support/webhook-requests';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

/**
 * The second stack's secrets: rotation lists with an empty and a whitespace element, and two
 * credentials switched off (whitespace-only, empty). None of "", " " or the raw list may match.
 */
const ROTATION = {
  SPYNE_URL_TOKEN: 'old-url-token,,new-url-token',
  SPYNE_SIGNING_SECRET: 'old-signing-secret, ,new-signing-secret',
  SHARINPIX_SECRET: '   ',
  IMAGE_INTELLIGENCE_TOKEN: '',
  CLOUDINARY_API_SECRET: 'old-api-secret, ,new-api-secret',
} as const;

type StackName = 'dev secrets' | 'rotation lists';

/** One request and what it must get: 401 for every attack, 200 for the few positive controls. */
interface AuthCase {
  readonly name: string;
  readonly stack: StackName;
  readonly expect: 200 | 401;
  readonly request: HttpRequest;
}

const bodyOf = (vendor: string, name: string): Record<string, unknown> => {
  const file = fixtureBodies().find(
    (candidate) => candidate.vendor === vendor && candidate.name === name,
  );
  if (!file) throw new Error(`missing fixture ${vendor}/${name}`);
  return file.body;
};

const JSON_HEADERS = { 'content-type': 'application/json' };
const now = () => Math.floor(Date.now() / 1000);

let caseNumber = 0;
/** A fresh copy of a fixture per case, so a wrongly accepted attack shows up as its own event. */
const fresh = (vendor: string, name: string) =>
  withUniqueIds(bodyOf(vendor, name), `auth-${(caseNumber += 1)}`);

const idsOf = (body: Record<string, unknown>) => ({
  project_id: String(body.project_id),
  sku_id: String(body.sku_id),
});

const spyne = (body: Record<string, unknown>, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  path: '/webhooks/spyne',
  headers: JSON_HEADERS,
  body: Buffer.from(JSON.stringify(body)),
  ...extra,
});

/** A Spyne v2 body carrying the given `signature` value. */
const signedSpyne = (signature: unknown, extra: Partial<HttpRequest> = {}): HttpRequest => {
  const body = fresh('spyne', 'v2-sample-a');
  return spyne({ ...body, signature }, extra);
};

/** A Spyne v2 body signed by `sign`, which gets the body's own ids. */
const spyneSignedWith = (
  sign: (ids: { project_id: string; sku_id: string }) => string,
  extra: Partial<HttpRequest> = {},
): HttpRequest => {
  const body = fresh('spyne', 'v2-sample-a');
  return spyne({ ...body, signature: sign(idsOf(body)) }, extra);
};

const sharinpix = (
  headers: Record<string, string>,
  extra: Partial<HttpRequest> = {},
): HttpRequest => ({
  path: '/webhooks/sharinpix',
  headers: { ...JSON_HEADERS, 'x-sharinpix-event': 'new_image', ...headers },
  body: Buffer.from(JSON.stringify(fresh('sharinpix', 'new_image'))),
  ...extra,
});

const imageIntelligence = (query: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  path: '/webhooks/image-intelligence',
  query,
  headers: JSON_HEADERS,
  body: Buffer.from(JSON.stringify(fresh('image-intelligence', 'detect--completed'))),
  ...extra,
});

const token = (value: string) => `token=${encodeURIComponent(value)}`;

/**
 * A Cloudinary upload signed by `sign`, which gets the exact bytes sent and the timestamp; the
 * timestamp is now unless `at` moves it (seconds from now).
 */
const cloudinary = (
  sign: (body: Buffer, timestamp: string) => string,
  options: {
    at?: number;
    timestamp?: string;
    body?: Buffer;
    headers?: Record<string, string>;
  } = {},
): HttpRequest => {
  const body = Buffer.from(JSON.stringify(fresh('cloudinary', 'upload')));
  const timestamp = options.timestamp ?? String(now() + (options.at ?? 0));
  return {
    path: '/webhooks/cloudinary',
    headers: {
      ...JSON_HEADERS,
      'x-cld-timestamp': timestamp,
      'x-cld-signature': sign(body, timestamp),
      ...options.headers,
    },
    body: options.body ?? body,
  };
};

/** Cloudinary's digest: hex hash of body, timestamp and secret (SHA-1 unless told). */
const cld =
  (secret: string, algorithm: 'sha1' | 'sha256' = 'sha1') =>
  (body: Buffer, timestamp: string): string =>
    signRawBody('suffix', algorithm, body, timestamp, secret);

const HS256 = { alg: 'HS256', typ: 'JWT' };
const SECRET: string = DEV_SECRETS.SPYNE_SIGNING_SECRET;
const hs256 = (
  ids: { project_id: string; sku_id: string },
  key: string = SECRET,
  times: { iat?: number; exp?: number; nbf?: number } = {},
) => buildJwt({ header: HS256, claims: spyneClaims(ids, times), key });

/** Every attack on the dev-secrets stack, and two controls proving the same requests can pass. */
const devSecretCases = (): AuthCase[] => {
  const stack: StackName = 'dev secrets';
  const attack = (name: string, request: HttpRequest): AuthCase => ({
    name,
    stack,
    expect: 401,
    request,
  });
  const valid = spyneSignedWith((ids) => hs256(ids));
  const otherSku = fresh('spyne', 'v2-sample-a');
  const oldValidToken = hs256(idsOf(otherSku));
  const v1 = () => fresh('spyne', 'v1-single-image');
  const url = DEV_SECRETS.SPYNE_URL_TOKEN;
  const ii = DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN;
  const sp = DEV_SECRETS.SHARINPIX_SECRET;
  const cl = DEV_SECRETS.CLOUDINARY_API_SECRET;
  return [
    { name: 'control: a correctly signed Spyne v2 body', stack, expect: 200, request: valid },
    {
      name: 'control: Image Intelligence with the right token',
      stack,
      expect: 200,
      request: imageIntelligence(token(ii)),
    },
    // Forged and altered JWTs.
    attack(
      'JWT signed with a wrong secret',
      spyneSignedWith((ids) => hs256(ids, 'not-the-secret')),
    ),
    attack(
      'JWT signed with an empty key',
      spyneSignedWith((ids) => hs256(ids, '')),
    ),
    attack(
      'JWT payload altered after signing (other sku_id)',
      spyneSignedWith((ids) => {
        const [header = '', , signature = ''] = hs256(ids).split('.');
        return `${header}.${base64url(JSON.stringify(spyneClaims({ ...ids, sku_id: 'other-sku' })))}.${signature}`;
      }),
    ),
    attack(
      'JWT signature with one character changed',
      spyneSignedWith((ids) => {
        const jwt = hs256(ids);
        return `${jwt.slice(0, -2)}${jwt.at(-2) === 'A' ? 'B' : 'A'}${jwt.slice(-1)}`;
      }),
    ),
    attack(
      'JWT signature truncated',
      spyneSignedWith((ids) => hs256(ids).slice(0, -5)),
    ),
    attack(
      'JWT with an empty signature segment',
      spyneSignedWith((ids) => `${hs256(ids).split('.').slice(0, 2).join('.')}.`),
    ),
    attack(
      'JWT signature with base64 padding',
      spyneSignedWith((ids) => `${hs256(ids)}=`),
    ),
    attack(
      'JWT with four segments',
      spyneSignedWith((ids) => `${hs256(ids)}.${hs256(ids)}`),
    ),
    attack(
      'JWT with surrounding whitespace',
      spyneSignedWith((ids) => ` ${hs256(ids)} `),
    ),
    // Algorithm confusion.
    ...['none', 'None', 'NONE'].map((alg) =>
      attack(
        `alg "${alg}" with no signature`,
        spyneSignedWith((ids) =>
          buildJwt({ header: { alg, typ: 'JWT' }, claims: spyneClaims(ids), signature: '' }),
        ),
      ),
    ),
    attack(
      'alg none with a valid HS256 MAC attached',
      spyneSignedWith((ids) => {
        const valid256 = hs256(ids).split('.')[2] ?? '';
        return buildJwt({ header: { alg: 'none' }, claims: spyneClaims(ids), signature: valid256 });
      }),
    ),
    attack(
      'HS512 signed with the right secret',
      spyneSignedWith((ids) =>
        buildJwt({
          header: { alg: 'HS512', typ: 'JWT' },
          claims: spyneClaims(ids),
          key: SECRET,
          hash: 'sha512',
        }),
      ),
    ),
    attack(
      'HS384 signed with the right secret',
      spyneSignedWith((ids) =>
        buildJwt({
          header: { alg: 'HS384', typ: 'JWT' },
          claims: spyneClaims(ids),
          key: SECRET,
          hash: 'sha384',
        }),
      ),
    ),
    attack(
      'RS256 header over an HMAC-SHA256 made with the secret (key confusion)',
      spyneSignedWith((ids) =>
        buildJwt({ header: { alg: 'RS256', typ: 'JWT' }, claims: spyneClaims(ids), key: SECRET }),
      ),
    ),
    attack(
      'RS256 header with a random 2048-bit signature',
      spyneSignedWith((ids) =>
        buildJwt({
          header: { alg: 'RS256', typ: 'JWT' },
          claims: spyneClaims(ids),
          signature: randomBytes(256).toString('base64url'),
        }),
      ),
    ),
    attack(
      'alg "hs256" in lower case',
      spyneSignedWith((ids) =>
        buildJwt({ header: { alg: 'hs256', typ: 'JWT' }, claims: spyneClaims(ids), key: SECRET }),
      ),
    ),
    attack(
      'a crit header naming an unsupported extension',
      spyneSignedWith((ids) =>
        buildJwt({ header: { ...HS256, crit: ['exp'] }, claims: spyneClaims(ids), key: SECRET }),
      ),
    ),
    attack(
      'a header that is not JSON',
      spyneSignedWith((ids) => {
        const payload = base64url(JSON.stringify(spyneClaims(ids)));
        const header = base64url('alg=HS256');
        return `${header}.${payload}.${createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')}`;
      }),
    ),
    // Time claims.
    attack(
      'JWT expired 2 minutes ago (beyond the 60 s skew)',
      spyneSignedWith((ids) => hs256(ids, SECRET, { iat: now() - 7200, exp: now() - 120 })),
    ),
    attack(
      'JWT not valid for another hour (nbf)',
      spyneSignedWith((ids) => hs256(ids, SECRET, { nbf: now() + 3600 })),
    ),
    attack(
      'JWT issued an hour in the future (iat)',
      spyneSignedWith((ids) => hs256(ids, SECRET, { iat: now() + 3600, exp: now() + 7200 })),
    ),
    attack(
      'JWT without exp',
      spyneSignedWith((ids) =>
        buildJwt({ header: HS256, claims: { ...ids, iat: now() }, key: SECRET }),
      ),
    ),
    attack(
      'JWT with exp as a string',
      spyneSignedWith((ids) =>
        buildJwt({
          header: HS256,
          claims: { ...ids, iat: now(), exp: String(now() + 3600) },
          key: SECRET,
        }),
      ),
    ),
    // Replay of a genuine, unexpired token on other ids.
    attack(
      'valid token of another SKU replayed on this body (sku_id differs)',
      signedSpyne(oldValidToken),
    ),
    attack(
      'valid token replayed with the project_id changed',
      (() => {
        const body = fresh('spyne', 'v2-sample-a');
        return spyne({ ...body, project_id: 'other-project', signature: hs256(idsOf(body)) });
      })(),
    ),
    attack(
      'valid token replayed with the sku_id changed',
      (() => {
        const body = fresh('spyne', 'v2-sample-a');
        return spyne({ ...body, sku_id: 'other-sku', signature: hs256(idsOf(body)) });
      })(),
    ),
    attack('signature that is not a string', signedSpyne(12345)),
    attack('signature null', signedSpyne(null)),
    attack('signature empty', signedSpyne('')),
    attack('signature as an object', signedSpyne({ alg: 'none' })),
    attack(
      'a forged signature rescued by a valid URL token',
      signedSpyne(
        buildJwt({
          header: HS256,
          claims: spyneClaims({ project_id: 'x', sku_id: 'y' }),
          key: 'wrong',
        }),
        { query: token(url) },
      ),
    ),
    // Tokens in the wrong place.
    attack(
      'Spyne JWT in an Authorization header instead of the body',
      (() => {
        const body = fresh('spyne', 'v2-sample-a');
        return spyne(body, {
          headers: { ...JSON_HEADERS, authorization: `Bearer ${hs256(idsOf(body))}` },
        });
      })(),
    ),
    attack(
      'Spyne v1 URL token in a header instead of the query',
      spyne(v1(), { headers: { ...JSON_HEADERS, 'x-token': url, authorization: `Bearer ${url}` } }),
    ),
    attack('Spyne v1 URL token in the body instead of the query', spyne({ ...v1(), token: url })),
    attack(
      'Spyne v1 URL token in a cookie',
      spyne(v1(), { headers: { ...JSON_HEADERS, cookie: `token=${url}` } }),
    ),
    attack(
      'Spyne v1 token under an upper-case parameter name',
      spyne(v1(), { query: `TOKEN=${url}` }),
    ),
    attack(
      'Spyne v1 token, then a second wrong token',
      spyne(v1(), { query: `${token(url)}&token=wrong` }),
    ),
    attack(
      'Spyne v1 wrong token, then the right one',
      spyne(v1(), { query: `token=wrong&${token(url)}` }),
    ),
    attack('Spyne v1 token with a trailing comma', spyne(v1(), { query: token(`${url},`) })),
    attack('Spyne v1 token with a trailing space', spyne(v1(), { query: token(`${url} `) })),
    attack('Spyne v1 with an empty token', spyne(v1(), { query: 'token=' })),
    attack(
      'SharinPix secret in the query instead of the header',
      sharinpix({}, { query: `${token(sp)}&secret=${encodeURIComponent(sp)}` }),
    ),
    attack('SharinPix secret as a bearer token', sharinpix({ authorization: `Bearer ${sp}` })),
    attack(
      'SharinPix secret in the body',
      (() => {
        const request = sharinpix({});
        return {
          ...request,
          body: Buffer.from(JSON.stringify({ ...fresh('sharinpix', 'new_image'), secret: sp })),
        };
      })(),
    ),
    attack(
      'SharinPix secret with a different case',
      sharinpix({ 'x-sharinpix-secret': sp.toUpperCase() }),
    ),
    attack('SharinPix secret with a suffix', sharinpix({ 'x-sharinpix-secret': `${sp}x` })),
    attack('SharinPix secret prefix only', sharinpix({ 'x-sharinpix-secret': sp.slice(0, -1) })),
    attack(
      'SharinPix secret header sent twice',
      sharinpix({ 'x-sharinpix-secret': `${sp}, ${sp}` }),
    ),
    attack('SharinPix empty secret header', sharinpix({ 'x-sharinpix-secret': '' })),
    attack('SharinPix whitespace secret header', sharinpix({ 'x-sharinpix-secret': '   ' })),
    attack(
      'Image Intelligence token in a header instead of the query',
      imageIntelligence('', {
        headers: { ...JSON_HEADERS, 'x-token': ii, authorization: `Bearer ${ii}` },
      }),
    ),
    attack(
      'Image Intelligence token in the body',
      (() => {
        const request = imageIntelligence('');
        return {
          ...request,
          body: Buffer.from(
            JSON.stringify({ ...fresh('image-intelligence', 'detect--completed'), token: ii }),
          ),
        };
      })(),
    ),
    attack(
      'Image Intelligence token in a cookie',
      imageIntelligence('', { headers: { ...JSON_HEADERS, cookie: `token=${ii}` } }),
    ),
    attack('Image Intelligence token of another vendor', imageIntelligence(token(url))),
    attack('Image Intelligence empty token', imageIntelligence('token=')),
    attack('Image Intelligence whitespace token', imageIntelligence('token=%20%20')),
    attack('Image Intelligence token with a NUL suffix', imageIntelligence(`${token(ii)}%00`)),
    // Cloudinary: a digest over the raw body and a fresh timestamp, keyed by the API secret.
    {
      name: 'control: Cloudinary signed with SHA-1',
      stack,
      expect: 200,
      request: cloudinary(cld(cl)),
    },
    {
      name: 'control: Cloudinary signed with SHA-256',
      stack,
      expect: 200,
      request: cloudinary(cld(cl, 'sha256')),
    },
    attack('Cloudinary signed with a wrong secret', cloudinary(cld('not-the-secret'))),
    attack("Cloudinary signed with another vendor's secret", cloudinary(cld(sp))),
    attack(
      'Cloudinary signature over other bytes',
      cloudinary(cld(cl), { body: Buffer.from(JSON.stringify(fresh('cloudinary', 'upload'))) }),
    ),
    attack('Cloudinary timestamp older than the window', cloudinary(cld(cl), { at: -7201 - 60 })),
    attack('Cloudinary timestamp far in the future', cloudinary(cld(cl), { at: 3600 })),
    attack(
      'Cloudinary timestamp not whole seconds',
      cloudinary(cld(cl), { timestamp: `${now()}.5` }),
    ),
    attack(
      'Cloudinary signature without the timestamp header',
      cloudinary(cld(cl), { headers: { 'x-cld-timestamp': '' } }),
    ),
    attack(
      'Cloudinary empty signature',
      cloudinary(() => ''),
    ),
    attack(
      'Cloudinary signature of the wrong length',
      cloudinary((body, at) => cld(cl)(body, at).slice(1)),
    ),
    attack(
      'Cloudinary digest without the secret',
      cloudinary((body, at) => cld('')(body, at)),
    ),
  ];
};

/** The rotation-list stack: "", " ", the raw list and half-lists never match; each element does. */
const rotationCases = (): AuthCase[] => {
  const stack: StackName = 'rotation lists';
  const attack = (name: string, request: HttpRequest): AuthCase => ({
    name,
    stack,
    expect: 401,
    request,
  });
  const control = (name: string, request: HttpRequest): AuthCase => ({
    name,
    stack,
    expect: 200,
    request,
  });
  const v1 = () => fresh('spyne', 'v1-single-image');
  return [
    control(
      'control: first element of the URL-token list',
      spyne(v1(), { query: token('old-url-token') }),
    ),
    control(
      'control: last element of the URL-token list',
      spyne(v1(), { query: token('new-url-token') }),
    ),
    control(
      'control: JWT signed with the first signing secret',
      spyneSignedWith((ids) => hs256(ids, 'old-signing-secret')),
    ),
    control(
      'control: JWT signed with the last signing secret',
      spyneSignedWith((ids) => hs256(ids, 'new-signing-secret')),
    ),
    attack('the empty element of "a,,b" as URL token', spyne(v1(), { query: 'token=' })),
    attack('a single space as URL token', spyne(v1(), { query: 'token=%20' })),
    attack('a comma as URL token', spyne(v1(), { query: token(',') })),
    attack('the raw list as URL token', spyne(v1(), { query: token(ROTATION.SPYNE_URL_TOKEN) })),
    attack(
      'two elements joined as URL token',
      spyne(v1(), { query: token('old-url-token,new-url-token') }),
    ),
    attack('no URL token at all', spyne(v1())),
    attack(
      'JWT signed with the empty key',
      spyneSignedWith((ids) => hs256(ids, '')),
    ),
    attack(
      'JWT signed with the whitespace element',
      spyneSignedWith((ids) => hs256(ids, ' ')),
    ),
    attack(
      'JWT signed with the raw list as key',
      spyneSignedWith((ids) => hs256(ids, ROTATION.SPYNE_SIGNING_SECRET)),
    ),
    attack(
      'SharinPix (whitespace-only secret): empty header',
      sharinpix({ 'x-sharinpix-secret': '' }),
    ),
    attack(
      'SharinPix (whitespace-only secret): whitespace header',
      sharinpix({ 'x-sharinpix-secret': '   ' }),
    ),
    attack('SharinPix (whitespace-only secret): no header', sharinpix({})),
    attack(
      'SharinPix (whitespace-only secret): the dev default',
      sharinpix({ 'x-sharinpix-secret': DEV_SECRETS.SHARINPIX_SECRET }),
    ),
    attack('Image Intelligence (empty token): empty token', imageIntelligence('token=')),
    attack('Image Intelligence (empty token): no token', imageIntelligence('')),
    attack(
      'Image Intelligence (empty token): the dev default',
      imageIntelligence(token(DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN)),
    ),
    control(
      'control: Cloudinary signed with the first API secret',
      cloudinary(cld('old-api-secret')),
    ),
    control(
      'control: Cloudinary signed with the last API secret',
      cloudinary(cld('new-api-secret')),
    ),
    attack('Cloudinary signed with the whitespace element', cloudinary(cld(' '))),
    attack('Cloudinary signed with the empty key', cloudinary(cld(''))),
    attack(
      'Cloudinary signed with the raw list as key',
      cloudinary(cld(ROTATION.CLOUDINARY_API_SECRET)),
    ),
    attack(
      'Cloudinary signed with the dev default',
      cloudinary(cld(DEV_SECRETS.CLOUDINARY_API_SECRET)),
    ),
  ];
};

describe('authentication attacks: forged, misplaced and empty credentials', () => {
  const stacks = new Map<StackName, LocalStackProcess>();

  beforeAll(async () => {
    markSuiteStarted('auth');
    const [dev, rotation] = await Promise.all([
      startLocalStackProcess({ visibilityTimeoutSeconds: 5 }),
      startLocalStackProcess({ visibilityTimeoutSeconds: 5, env: ROTATION }),
    ]);
    stacks.set('dev secrets', dev);
    stacks.set('rotation lists', rotation);
  });

  afterAll(async () => {
    await Promise.all([...stacks.values()].map((stack) => stack.stop()));
  });

  it('answers every attack 401 {"error":"unauthorized"} and enqueues nothing but the controls', async () => {
    // Prepare
    const startedAt = Date.now();
    const cases = [...devSecretCases(), ...rotationCases()];
    const clients = new Map(
      [...stacks].map(([name, stack]) => [name, new HttpClient(stack.url, { maxSockets: 8 })]),
    );

    // Act
    const outcomes = await Promise.all(
      cases.map(async (authCase) => {
        const client = clients.get(authCase.stack);
        if (!client) throw new Error(`no client for ${authCase.stack}`);
        return { authCase, response: await client.send(authCase.request) };
      }),
    );
    const ledgers = new Map<StackName, string[]>();
    const quarantineDepths = new Map<StackName, number>();
    for (const [name, stack] of stacks) {
      await waitUntilQuiet(stack.url, 60_000);
      const dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.info.dynamoDbEndpoint });
      ledgers.set(
        name,
        (await scanLedger(dynamoDb, stack.info.tables.ledger)).map((entry) => entry.eventId),
      );
      dynamoDb.destroy();
      quarantineDepths.set(name, (await readHealth(stack.url))?.queues.quarantine.messages ?? -1);
    }
    for (const client of clients.values()) client.close();

    // Assess
    const wrongAnswers: string[] = [];
    const controlIds = new Map<StackName, Set<string>>(
      [...stacks.keys()].map((name) => [name, new Set()]),
    );
    for (const { authCase, response } of outcomes) {
      const checked = checkWebhookResponse(response);
      if (!checked.ok) {
        wrongAnswers.push(`${authCase.name}: ${checked.problem}`);
      } else if (checked.answer.status !== authCase.expect) {
        wrongAnswers.push(
          `${authCase.name}: ${checked.answer.status} ${checked.answer.kind}, expected ${authCase.expect}`,
        );
      } else if (checked.answer.kind === 'accepted' || checked.answer.kind === 'ignored') {
        controlIds.get(authCase.stack)?.add(checked.answer.eventId);
      }
    }
    const enqueuedByAttacks = [...ledgers].flatMap(([name, ids]) =>
      ids.filter((id) => !controlIds.get(name)?.has(id)).map((id) => `${name}: ${id}`),
    );
    const attacks = outcomes.filter(({ authCase }) => authCase.expect === 401);
    const serverErrors = outcomes.filter(({ response }) => response.status >= 500).length;
    const crashLines = [...stacks.values()].flatMap((stack) => stack.log.crashLines);
    const quarantined = [...quarantineDepths.values()].reduce((sum, depth) => sum + depth, 0);
    const violations = [
      ...(wrongAnswers.length > 0
        ? [`${wrongAnswers.length} wrong answers${examples(wrongAnswers, 10)}`]
        : []),
      ...(enqueuedByAttacks.length > 0
        ? [`${enqueuedByAttacks.length} attacks were enqueued${examples(enqueuedByAttacks)}`]
        : []),
      ...(quarantined !== 0
        ? [`${quarantined} unauthenticated deliveries were quarantined (stored)`]
        : []),
      ...(crashLines.length > 0
        ? [`${crashLines.length} uncaught exceptions${examples(crashLines, 2)}`]
        : []),
      ...([...stacks.values()].every((stack) => stack.alive()) ? [] : ['a stack process died']),
    ];
    const latencies = outcomes.map(({ response }) => response.ms);
    saveFigures({
      suite: 'auth',
      order: 2,
      title: 'Authentication attacks',
      seed,
      requests: outcomes.length,
      serverErrors,
      lost: [...controlIds].reduce(
        (sum, [name, ids]) =>
          sum + [...ids].filter((id) => !ledgers.get(name)?.includes(id)).length,
        0,
      ),
      doubleApplied: [...stacks.values()].reduce(
        (sum, stack) => sum + stack.log.doubleApplied().length,
        0,
      ),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        attacks: attacks.length,
        'answered 401': attacks.filter(({ response }) => response.status === 401).length,
        'controls accepted': [...controlIds.values()].reduce((sum, ids) => sum + ids.size, 0),
        'enqueued by attacks': enqueuedByAttacks.length,
        'quarantined unauthenticated': quarantined,
      },
      violations,
    });
    console.log(
      `auth: ${attacks.length} attacks, ${attacks.filter(({ response }) => response.status === 401).length} answered 401; ` +
        `${enqueuedByAttacks.length} enqueued by attacks`,
    );
    expect(violations).toEqual([]);
  });
});
