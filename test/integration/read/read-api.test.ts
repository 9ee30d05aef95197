import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { lambdaContext } from '../../../local/lambda/lambda-context';
import {
  CursorKeyUnavailableError,
  fixedCursorKey,
} from '../../../shared/read/cursor-key-provider';
import { createReadHandler } from '../../../shared/read/read-handler';
import { eventClock, type FieldEntry } from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import { encodeCursor } from '../../../shared/store/collection-cursor';
import { DynamoDbImageRecordStore } from '../../../shared/store/dynamodb-image-record-store';
import { toRecordItem } from '../../../shared/store/record-item';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { createTestPipeline, TEST_CURSOR_KEY, type TestPipeline } from '../worker/support/pipeline';
import { RecordingLog } from '../worker/support/test-worker';
import { defaultRouteEvent, getImageEvent, listImagesEvent } from './support/http-events';

const SKU = 'sku-7f3e21aa';
const CLOCK = eventClock(new Date('2026-11-23T10:00:00.000Z'), 'spyne:p:sku-7f3e21aa:0001');

/** A Spyne image of the test collection. */
const image = (imageId: string, sequence: number | undefined, collection = SKU): ImageChange => ({
  vendor: 'spyne',
  imageId,
  clock: CLOCK,
  patch: {
    core: {
      collection: { kind: 'sku', id: collection, parentId: 'b41f9c20' },
      status: 'done',
      ...(sequence === undefined ? {} : { sequence }),
    },
  },
});

/** Sequences 3,1,2,2,10 plus two without one, and a neighbour in another collection. */
const COLLECTION = [
  image('img-c', 3),
  image('img-a', 1),
  image('img-e', 2),
  image('img-b', 2),
  image('img-z', 10),
  image('img-y', undefined),
  image('img-x', undefined),
];
const EXPECTED_ORDER = ['img-a', 'img-b', 'img-e', 'img-c', 'img-z', 'img-x', 'img-y'];

let client: DynamoDBClient;
let pipeline: TestPipeline;

beforeAll(async () => {
  client = localDynamoDb();
  pipeline = await createTestPipeline(client);
  for (const change of [...COLLECTION, image('img-other', 0, 'sku-other')]) {
    await pipeline.store.apply(change);
  }
});

afterAll(() => client.destroy());

const PageSchema = v.object({
  items: v.array(v.object({ imageId: v.string() })),
  next: v.optional(v.string()),
});
type Page = v.InferOutput<typeof PageSchema>;
const pageOf = (body: unknown): Page => v.parse(PageSchema, body);

describe('GET /images/{vendor}/{imageId}', () => {
  it('answers 200 with the record', async () => {
    // Act
    const response = await pipeline.request(getImageEvent('spyne', 'img-a'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      vendor: 'spyne',
      imageId: 'img-a',
      collection: { kind: 'sku', id: SKU, parentId: 'b41f9c20' },
      sequence: 1,
      status: 'done',
      tags: [],
      detections: [],
    });
  });

  it('answers 404 with a JSON error for an unknown image', async () => {
    // Act
    const response = await pipeline.request(getImageEvent('spyne', 'img-missing'));

    // Assess
    expect(response).toEqual({
      statusCode: 404,
      body: { error: 'not_found', message: 'no spyne image with id img-missing' },
    });
  });

  it('finds an id with reserved characters, from path parameters or from a $default raw path', async () => {
    // Prepare
    const odd = 'IMG 2041/b#1';
    await pipeline.store.apply(image(odd, 99, 'sku-odd'));

    // Act
    const routed = await pipeline.request(getImageEvent('spyne', odd));
    const raw = await pipeline.request(
      defaultRouteEvent(`/images/spyne/${encodeURIComponent(odd)}`),
    );

    // Assess
    expect(routed.statusCode).toBe(200);
    expect(raw).toEqual(routed);
    expect(v.parse(v.object({ imageId: v.string() }), routed.body).imageId).toBe(odd);
  });

  it('answers 400 naming the parameter for an unknown vendor', async () => {
    // Act
    const response = await pipeline.request(getImageEvent('acme', 'img-a'));

    // Assess
    expect(response).toEqual({
      statusCode: 400,
      body: {
        error: 'invalid_request',
        message: 'invalid vendor',
        issues: [
          {
            path: 'vendor',
            message: 'must be one of spyne, sharinpix, image-intelligence, cloudinary',
          },
        ],
      },
    });
  });

  it('answers 500 without detail, and logs, when a stored record breaks the output contract', async () => {
    // Prepare: a state whose status is not one the contract allows.
    const fields: Record<string, FieldEntry> = {
      'core:status': { value: 'exploded', clock: CLOCK },
      'time:lastEventAt': { value: '2026-11-23T10:00:00.000Z', clock: CLOCK },
    };
    await client.send(
      new PutItemCommand({
        TableName: pipeline.tables.records,
        Item: toRecordItem({
          state: { vendor: 'spyne', imageId: 'img-broken', fields },
          rev: 1,
          updatedAt: '2026-11-23T10:00:00.000Z',
        }),
      }),
    );
    const log = new RecordingLog();
    const read = createReadHandler({
      store: pipeline.store,
      cursorKey: fixedCursorKey(TEST_CURSOR_KEY),
      log,
    });

    // Act
    const response = await read(getImageEvent('spyne', 'img-broken'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(String(response.body))).toEqual({ error: 'internal_error' });
    expect(log.lines).toHaveLength(1);
    expect(String(log.lines[0]?.attributes.error)).toContain('spyne#img-broken');
  });

  it('answers 503 with Retry-After when DynamoDB cannot be reached', async () => {
    // Prepare
    const unreachable = localDynamoDbPort({ maxAttempts: 1 }, 'http://127.0.0.1:9');
    const read = createReadHandler({
      store: new DynamoDbImageRecordStore({
        client: unreachable,
        tableName: pipeline.tables.records,
      }),
      cursorKey: fixedCursorKey(TEST_CURSOR_KEY),
      log: new RecordingLog(),
    });

    // Act
    const response = await read(getImageEvent('spyne', 'img-a'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(String(response.body))).toEqual({ error: 'temporarily_unavailable' });
  });

  it('names the invocation on its log lines with the Lambda context it is given', async () => {
    // Prepare
    const log = new RecordingLog();
    const read = createReadHandler({
      store: new DynamoDbImageRecordStore({
        client: localDynamoDbPort(),
        tableName: pipeline.tables.records,
      }),
      cursorKey: fixedCursorKey(TEST_CURSOR_KEY),
      log,
    });

    // Act
    const response = await read(
      getImageEvent('spyne', 'img-a'),
      lambdaContext('read', 30_000, 'invocation-1'),
    );
    await read(getImageEvent('spyne', 'img-a'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(log.requestIds).toEqual(['invocation-1']);
  });
});

describe('GET /images/{vendor}/{imageId}?explain=true', () => {
  const first = eventClock(new Date('2026-11-23T11:00:00.000Z'), 'spyne:explain:0001');
  const second = eventClock(new Date('2026-11-23T11:05:00.000Z'), 'spyne:explain:0002');

  beforeAll(async () => {
    await pipeline.store.apply({
      vendor: 'spyne',
      imageId: 'img-explain',
      clock: first,
      patch: {
        core: { collection: { kind: 'sku', id: 'sku-explain' }, status: 'processing' },
        urls: { input: 'https://cdn.example.com/in.jpg' },
        tags: { t1: { name: 'front' } },
      },
    });
    await pipeline.store.apply({
      vendor: 'spyne',
      imageId: 'img-explain',
      clock: second,
      patch: { core: { status: 'done' }, urls: { output: 'https://cdn.example.com/out.jpg' } },
    });
  });

  it('answers the record and, per field path, the event that set it', async () => {
    // Act
    const plain = await pipeline.request(getImageEvent('spyne', 'img-explain'));
    const explained = await pipeline.request(
      getImageEvent('spyne', 'img-explain', { explain: 'true' }),
    );

    // Assess
    expect(explained.statusCode).toBe(200);
    const setBy = (clock: string) => ({
      eventTime: clock.slice(0, clock.indexOf('|')),
      eventId: clock.slice(clock.indexOf('|') + 1),
    });
    expect(explained.body).toEqual({
      record: plain.body,
      provenance: {
        collection: setBy(first),
        lastEventAt: setBy(second),
        status: setBy(second),
        'tags.t1': setBy(first),
        'urls.input': setBy(first),
        'urls.output': setBy(second),
      },
    });
  });

  it('reads the same one item at the same read units as the plain GET', async () => {
    // Prepare
    pipeline.tally.reset();
    await pipeline.request(getImageEvent('spyne', 'img-explain'));
    const plain = pipeline.tally.totals(pipeline.tables.records);
    pipeline.tally.reset();

    // Act
    await pipeline.request(getImageEvent('spyne', 'img-explain', { explain: 'true' }));

    // Assess
    const explained = pipeline.tally.totals(pipeline.tables.records);
    expect(plain.reads).toBe(1);
    expect(explained).toEqual(plain);
  });

  it('answers 400 naming explain for a value other than true or false', async () => {
    // Act
    const response = await pipeline.request(
      getImageEvent('spyne', 'img-explain', { explain: '1' }),
    );

    // Assess
    expect(response).toEqual({
      statusCode: 400,
      body: {
        error: 'invalid_request',
        message: 'invalid explain',
        issues: [{ path: 'explain', message: 'must be true or false' }],
      },
    });
  });
});

describe('GET /images?vendor=&collection=', () => {
  it('answers 503 for a page, but still serves single records, while the cursor key is unavailable', async () => {
    // Prepare
    const read = createReadHandler({
      store: pipeline.store,
      cursorKey: () =>
        Promise.reject(new CursorKeyUnavailableError('GetSecretValue failed', 'cursor-secret')),
      log: new RecordingLog(),
    });

    // Act
    const page = await read(listImagesEvent({ vendor: 'spyne', collection: SKU }));
    const single = await read(getImageEvent('spyne', 'img-a'));

    // Assess
    expect(page.statusCode).toBe(503);
    expect(JSON.parse(String(page.body))).toEqual({ error: 'temporarily_unavailable' });
    expect(single.statusCode).toBe(200);
  });

  it('lists the collection by sequence, then imageId, unsequenced last, 25 per page by default', async () => {
    // Act
    const response = await pipeline.request(listImagesEvent({ vendor: 'spyne', collection: SKU }));

    // Assess
    expect(response.statusCode).toBe(200);
    const page = pageOf(response.body);
    expect(page.items.map((item) => item.imageId)).toEqual(EXPECTED_ORDER);
    expect(page).not.toHaveProperty('next');
  });

  it('pages with limit and next, and the last page has no next', async () => {
    // Prepare
    const seen: string[] = [];
    const pages: Page[] = [];
    let next: string | undefined;

    // Act
    do {
      const response = await pipeline.request(
        listImagesEvent({
          vendor: 'spyne',
          collection: SKU,
          limit: '3',
          ...(next ? { next } : {}),
        }),
      );
      expect(response.statusCode).toBe(200);
      const page = pageOf(response.body);
      pages.push(page);
      seen.push(...page.items.map((item) => item.imageId));
      next = page.next;
    } while (next !== undefined && pages.length < 10);

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(seen).toEqual(EXPECTED_ORDER);
  });

  it('omits next when the last page is exactly full', async () => {
    // Act
    const response = await pipeline.request(
      listImagesEvent({ vendor: 'spyne', collection: SKU, limit: String(EXPECTED_ORDER.length) }),
    );

    // Assess
    expect(pageOf(response.body).items).toHaveLength(EXPECTED_ORDER.length);
    expect(pageOf(response.body)).not.toHaveProperty('next');
  });

  it('answers an empty page for an unknown collection', async () => {
    // Act
    const response = await pipeline.request(
      listImagesEvent({ vendor: 'spyne', collection: 'sku-none' }),
    );

    // Assess
    expect(response).toEqual({ statusCode: 200, body: { items: [] } });
  });

  it('answers a collection written with its kind with a 400 that says what to send', async () => {
    // Act
    const response = await pipeline.request(
      listImagesEvent({ vendor: 'spyne', collection: `sku:${SKU}` }),
    );

    // Assess
    expect(response).toEqual({
      statusCode: 400,
      body: {
        error: 'invalid_request',
        message: 'invalid collection',
        issues: [
          {
            path: 'collection',
            message: `is the collection id without its kind: send "${SKU}", not "sku:${SKU}"`,
          },
        ],
      },
    });
  });

  it('refuses a tampered token and a token of another collection with 400 on next', async () => {
    // Prepare
    const first = pageOf(
      (await pipeline.request(listImagesEvent({ vendor: 'spyne', collection: SKU, limit: '2' })))
        .body,
    );
    const token = first.next ?? '';
    const tampered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const foreign = encodeCursor(
      { recordKey: 'spyne#img-other', sortKey: 'x' },
      { vendor: 'spyne', collectionId: 'sku-other' },
      TEST_CURSOR_KEY,
    );

    // Act
    const withTampered = await pipeline.request(
      listImagesEvent({ vendor: 'spyne', collection: SKU, next: tampered }),
    );
    const withForeign = await pipeline.request(
      listImagesEvent({ vendor: 'spyne', collection: SKU, next: foreign }),
    );

    // Assess
    expect(withTampered).toEqual({
      statusCode: 400,
      body: {
        error: 'invalid_request',
        message: 'invalid next',
        issues: [{ path: 'next', message: 'is not a token this API issued' }],
      },
    });
    expect(withForeign.statusCode).toBe(400);
    expect(withForeign.body).toMatchObject({
      issues: [{ path: 'next', message: 'belongs to another vendor or collection' }],
    });
  });

  it.each([
    [{ vendor: 'acme', collection: SKU }, 'vendor'],
    [{ vendor: 'spyne' }, 'collection'],
    [{ vendor: 'spyne', collection: SKU, limit: '0' }, 'limit'],
    [{ vendor: 'spyne', collection: SKU, limit: '101' }, 'limit'],
    [{ vendor: 'spyne', collection: SKU, limit: 'ten' }, 'limit'],
  ])('answers 400 for %p, naming %s', async (query, path) => {
    // Act
    const response = await pipeline.request(listImagesEvent(query));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request', issues: [{ path }] });
  });
});

describe('functions/read/handler.ts', () => {
  const ENV = [
    'RECORDS_TABLE',
    'AWS_ENDPOINT_URL_DYNAMODB',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'CURSOR_SIGNING_KEY',
    'AWS_LAMBDA_FUNCTION_NAME',
  ] as const;
  const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of ENV) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const setLocalEnv = (): void => {
    process.env.RECORDS_TABLE = pipeline.tables.records;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = process.env.TEST_DYNAMODB_ENDPOINT;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  };

  it('serves records with the client and table its environment names', async () => {
    // Prepare
    setLocalEnv();
    let statusCode: number | undefined;

    // Act
    await jest.isolateModulesAsync(async () => {
      const { handler } = await import('../../../functions/read/handler');
      const response = await handler(
        getImageEvent('spyne', 'img-a'),
        lambdaContext('read', 30_000),
      );
      statusCode = response.statusCode;
    });

    // Assess
    expect(statusCode).toBe(200);
  });

  it('refuses to load in Lambda without a cursor signing key', () => {
    // Prepare
    setLocalEnv();
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'vendor-webhooks-read';
    delete process.env.CURSOR_SIGNING_KEY;

    // Act
    const load = () =>
      jest.isolateModules(() => {
        // A fresh, synchronous module load is the only way to observe a load-time throw.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../../functions/read/handler');
      });

    // Assess
    expect(load).toThrow('CURSOR_SIGNING_KEY: is required in Lambda');
  });
});
