import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { freePort } from '../../../local/servers/free-port';
import { signFreshSpyneSignature } from '../../../shared/vendors/spyne/signature';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { type ImageRecord, ImageRecordSchema } from '../../../shared/record/image-record';
import type { LedgerEntry } from '../../../shared/store/ledger-item';
import {
  PLACEHOLDER_URL_PATHS,
  SHARINPIX_DOC_SAMPLES,
  webhooksV1Image,
} from '../../support/sharinpix-doc-samples';
import { loadBody } from '../../support/vendor-bodies';
import { type StackProcess, startStackProcess } from './support/stack-process';
import { InspectableLedger } from '../../support/inspectable-ledger';
import { localDynamoDbPort } from '../../support/local-clients';

jest.setTimeout(180_000);

const AnswerSchema = v.object({ status: v.string(), eventId: v.string() });
const PageSchema = v.object({ items: v.array(ImageRecordSchema) });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, or gives up with `undefined` after `timeoutMs`. */
const eventually = async <T>(check: () => Promise<T | undefined>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(200);
  }
};

const PROJECT = 'trust-project';

/** A Spyne v2 SKU body, as Spyne sends it but without its signature. */
const skuBody = (skuId: string, images: ReadonlyArray<Record<string, unknown>>) => ({
  project_id: PROJECT,
  sku_id: skuId,
  sku_status: 'Done',
  image_data: images,
});

const image = (imageId: string, output: string, status = 'done') => ({
  image_id: imageId,
  image_name: `${imageId}_Exterior`,
  image_category: 'Exterior',
  frame_no: '1',
  input_image: `https://media.example.com/raw/${imageId}.jpg`,
  output_image: output,
  status,
});

/** A signature Spyne would issue now for this SKU, with the dev secret the stack uses. */
const signatureFor = (skuId: string, now = new Date()) =>
  signFreshSpyneSignature(
    { project_id: PROJECT, sku_id: skuId },
    DEV_SECRETS.SPYNE_SIGNING_SECRET,
    now,
  );

describe('trust, against the local stack (npm start as a child process)', () => {
  let dataDir: string;
  let stack: StackProcess;
  let ledger: InspectableLedger;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'trust-'));
    const ports = {
      port: await freePort(),
      dynamoDbPort: await freePort(),
      sqsPort: await freePort(),
    };
    stack = await startStackProcess(dataDir, ports, ['--in-memory']);
    ledger = new InspectableLedger({
      client: localDynamoDbPort({}, stack.info.dynamoDbEndpoint),
      tableName: stack.info.tables.ledger,
      dedupeWindowSeconds: 60,
      archiveRetentionSeconds: 60,
    });
  });

  afterAll(async () => {
    await stack?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const postSpyne = async (body: unknown) => {
    const response = await fetch(`${stack.url}/webhooks/spyne`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  const getRecord = async (imageId: string): Promise<ImageRecord | undefined> => {
    const response = await fetch(`${stack.url}/images/spyne/${encodeURIComponent(imageId)}`);
    return response.status === 200 ? v.parse(ImageRecordSchema, await response.json()) : undefined;
  };

  const postSharinpix = async (event: string, body: unknown, form = false) => {
    const response = await fetch(`${stack.url}/webhooks/sharinpix`, {
      method: 'POST',
      headers: {
        'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
        'x-sharinpix-event': event,
        'x-sharinpix-secret': DEV_SECRETS.SHARINPIX_SECRET,
      },
      body: form
        ? new URLSearchParams({ p: JSON.stringify(body) }).toString()
        : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  const getImage = async (vendor: string, imageId: string) => {
    const response = await fetch(`${stack.url}/images/${vendor}/${encodeURIComponent(imageId)}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  const listSku = async (skuId: string): Promise<string[]> => {
    const response = await fetch(`${stack.url}/images?vendor=spyne&collection=${skuId}`);
    return v.parse(PageSchema, await response.json()).items.map((record) => record.imageId);
  };

  /** The ledger entry once the event is finished (completed, ignored or refused). */
  const finishedEntry = (eventId: string, timeoutMs?: number): Promise<LedgerEntry | undefined> =>
    eventually(async () => {
      const entry = await ledger.find(eventId);
      return entry && entry.status !== 'processing' ? entry : undefined;
    }, timeoutMs);

  it("refuses a SKU token replayed with another SKU's image id, and keeps the victim's record", async () => {
    // Prepare: SKU B owns its image.
    const victim = skuBody('sku-b', [image('img-of-b', 'https://media.example.com/edited/b.png')]);
    const owner = await postSpyne({ ...victim, signature: signatureFor('sku-b') });
    expect(owner.status).toBe(200);
    const stored = await eventually(async () => (await getRecord('img-of-b')) ?? undefined);
    expect(stored?.collection).toEqual({ kind: 'sku', id: 'sku-b', parentId: PROJECT });

    // Act: a captured SKU A delivery's token, posted with SKU B's image, the attacker's output and
    // status failed, next to one genuine SKU A image.
    const attack = skuBody('sku-a', [
      image('img-of-a', 'https://media.example.com/edited/a.png'),
      image('img-of-b', 'https://attacker.example.net/defaced.png', 'failed'),
    ]);
    const answer = await postSpyne({ ...attack, signature: signatureFor('sku-a') });
    const { eventId } = v.parse(AnswerSchema, answer.body);
    const entry = await finishedEntry(eventId);

    // Assess
    expect(answer.status).toBe(200);
    expect(entry).toMatchObject({
      status: 'completed',
      imagesApplied: 1,
      imagesRefused: 1,
      refusedImages: [{ imageId: 'img-of-b', reason: 'collection_mismatch' }],
    });
    expect(entry?.archive).toBeDefined();
    const after = await getRecord('img-of-b');
    expect(after).toMatchObject({
      collection: { kind: 'sku', id: 'sku-b', parentId: PROJECT },
      status: 'done',
      urls: { output: 'https://media.example.com/edited/b.png' },
    });
    expect(await listSku('sku-b')).toEqual(['img-of-b']);
    expect(await listSku('sku-a')).toEqual(['img-of-a']);
  });

  it('refuses a captured signature posted again with another body, and keeps genuine re-signed retries', async () => {
    // Prepare: Spyne delivers SKU C once, signed.
    const genuine = skuBody('sku-c', [image('img-of-c', 'https://media.example.com/edited/c.png')]);
    const captured = signatureFor('sku-c');
    const first = await postSpyne({ ...genuine, signature: captured });
    const firstId = v.parse(AnswerSchema, first.body).eventId;
    expect((await finishedEntry(firstId))?.status).toBe('completed');

    // Act: the captured signature with a forged body (same SKU, so the claims still match), then
    // Spyne's own retry of the genuine body, re-signed as Spyne does.
    const forged = skuBody('sku-c', [
      image('img-of-c', 'https://attacker.example.net/defaced.png', 'failed'),
    ]);
    const replay = await postSpyne({ ...forged, signature: captured });
    const replayId = v.parse(AnswerSchema, replay.body).eventId;
    const replayEntry = await finishedEntry(replayId);
    const retry = await postSpyne({
      ...genuine,
      signature: signatureFor('sku-c', new Date(Date.now() + 1000)),
    });

    // Assess
    expect(replay.status).toBe(200);
    expect(replayId).not.toBe(firstId);
    expect(replayEntry).toMatchObject({
      status: 'refused',
      imagesApplied: 0,
      refusedImages: [{ imageId: 'img-of-c', reason: 'signature_reused' }],
    });
    expect(replayEntry?.archive).toBeDefined();
    expect(await getRecord('img-of-c')).toMatchObject({
      status: 'done',
      urls: { output: 'https://media.example.com/edited/c.png' },
    });
    expect(retry.status).toBe(200);
    expect(v.parse(AnswerSchema, retry.body).eventId).toBe(firstId);
    const counted = await eventually(async () => {
      const entry = await ledger.find(firstId);
      return entry && entry.deliveries.length === 2 ? entry : undefined;
    });
    expect(counted?.status).toBe('completed');
  });

  it('keeps no nested user or email of an unsupported SharinPix event in the ledger archive', async () => {
    // Prepare
    const body = {
      id: 'pub-trust-1',
      publication: { title: 'Spring', user: { email: 'jane.doe@example.com', name: 'Jane' } },
      owner_note: 'ask jane.doe@example.com',
    };

    // Act
    const response = await fetch(`${stack.url}/webhooks/sharinpix`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sharinpix-event': 'new_publication',
        'x-sharinpix-secret': DEV_SECRETS.SHARINPIX_SECRET,
      },
      body: JSON.stringify(body),
    });
    const { eventId } = v.parse(AnswerSchema, await response.json());
    const entry = await finishedEntry(eventId);

    // Assess
    expect(response.status).toBe(200);
    expect(entry?.status).toBe('ignored');
    const archived = gunzipSync(entry?.archive ?? new Uint8Array()).toString('utf8');
    expect(archived).toContain('Spring');
    expect(archived).not.toContain('jane.doe');
    expect(archived).not.toContain('"user"');
  });

  it('stores an Image Intelligence job whose one image carries 240 detections of 2,000 characters, instead of dead-lettering it', async () => {
    // Prepare: 488 KB of body, under the 1 MiB limit; its record would be over DynamoDB's 400 KB.
    const job = {
      id: 'job-240-detections',
      createdAt: Date.now(),
      status: 'COMPLETED_SUCCESSFULLY',
      jobResults: [],
      imageResults: [
        {
          id: 'img-240-detections',
          url: 'https://images.example.com/240.jpg',
          status: 'COMPLETED_SUCCESSFULLY',
          objects: Array.from({ length: 240 }, (_, index) => ({
            class: `${String(index).padStart(3, '0')}-${randomBytes(1500).toString('base64').slice(0, 1996)}`,
            confidence: (index % 100) / 100,
            verdict: true,
          })),
        },
      ],
    };
    const text = JSON.stringify(job);

    // Act
    const response = await fetch(
      `${stack.url}/webhooks/image-intelligence?token=${DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: text },
    );
    const { eventId } = v.parse(AnswerSchema, await response.json());
    const entry = await finishedEntry(eventId);
    const stored = await getImage('image-intelligence', 'img-240-detections');

    // Assess
    expect(Buffer.byteLength(text)).toBeGreaterThan(480_000);
    expect(response.status).toBe(200);
    expect(entry).toMatchObject({ status: 'completed', imagesApplied: 1, noteCount: 2 });
    expect(entry?.imagesRefused).toBeUndefined();
    expect(entry?.notes).toEqual([
      'img-240-detections: detections.detect: kept the 50 most confident of 240',
      'img-240-detections: detections.detect: 50 labels cut to 256 bytes',
    ]);
    expect(stored.status).toBe(200);
    const record = v.parse(ImageRecordSchema, stored.body);
    expect(record.detections).toHaveLength(50);
    expect(record.status).toBe('done');
  });

  it('applies a Spyne SKU body of exactly 1 MiB, through the queue and the worker', async () => {
    // Prepare: 600 images whose names fill the body to the byte
    const skuId = 'sku-one-mib';
    const images = Array.from({ length: 600 }, (_, index) =>
      image(`mib-${index}`, `https://media.example.com/edited/mib-${index}.png`),
    );
    const bodyOf = (pad: (index: number) => number) =>
      JSON.stringify({
        ...skuBody(
          skuId,
          images.map((item, index) => ({ ...item, image_name: 'n'.repeat(pad(index)) })),
        ),
        signature: signatureFor(skuId),
      });
    const bare = Buffer.byteLength(bodyOf(() => 0));
    const each = Math.floor((1_048_576 - bare) / images.length);
    const last = 1_048_576 - bare - each * (images.length - 1);
    const text = bodyOf((index) => (index === images.length - 1 ? last : each));

    // Act
    const response = await fetch(`${stack.url}/webhooks/spyne`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    const { eventId } = v.parse(AnswerSchema, await response.json());
    const entry = await finishedEntry(eventId, 150_000);
    const lastRecord = await getRecord('mib-599');

    // Assess
    expect(Buffer.byteLength(text)).toBe(1_048_576);
    expect(response.status).toBe(200);
    expect(entry).toMatchObject({ status: 'completed', imagesApplied: 600 });
    expect(lastRecord?.name).toBe('n'.repeat(last));
  });

  it("accepts all seven of SharinPix's documentation samples, placeholders and all, and notes the URLs it dropped", async () => {
    // Act
    const answers = [];
    for (const sample of SHARINPIX_DOC_SAMPLES) {
      answers.push(await postSharinpix(sample.event, sample.body));
    }
    const eventIds = answers.map((answer) => v.parse(AnswerSchema, answer.body).eventId);
    const newImage = await finishedEntry(eventIds[0] ?? '');

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(newImage?.status).toBe('completed');
    expect(newImage?.notes).toEqual(
      PLACEHOLDER_URL_PATHS.map((path) => expect.stringMatching(new RegExp(`^dropped ${path}: `))),
    );
    const processed = await eventually(async () => {
      const answer = await getImage('sharinpix', '26e19efc-5bdf-4534-890e-df44e26975f8');
      return answer.status === 200 ? v.parse(ImageRecordSchema, answer.body) : undefined;
    });
    expect(processed).toMatchObject({ status: 'done', urls: {} });
  });

  it('reads a Webhooks V1 form body (infos.secure_url, infos.original_filename, album.public_id)', async () => {
    // Act
    const answer = await postSharinpix('new_image', webhooksV1Image('v1-trust-img'), true);
    const record = await eventually(async () => {
      const got = await getImage('sharinpix', 'v1-trust-img');
      return got.status === 200 ? v.parse(ImageRecordSchema, got.body) : undefined;
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(record).toMatchObject({
      name: 'NorthBuilding',
      collection: { kind: 'album', id: '0WOB0000000YsjGOAS' },
      urls: { input: 'https://res.cloudinary.com/sharinpix/image/upload/v1-trust-img.jpg' },
    });
  });

  it('keeps an Einstein prediction unserved until an image event names the image, then serves both', async () => {
    // Prepare
    const imageId = 'einstein-only-img';
    const prediction = {
      probability: [{ probability: 0.9, label: 'car' }],
      image_id: imageId,
      status: 'completed',
    };

    // Act
    const predicted = await postSharinpix('new_einstein_prediction', prediction);
    await finishedEntry(v.parse(AnswerSchema, predicted.body).eventId);
    const before = await getImage('sharinpix', imageId);
    const uploaded = await postSharinpix('upload_done', {
      album_id: 'album-einstein',
      image_ids: imageId,
    });
    await finishedEntry(v.parse(AnswerSchema, uploaded.body).eventId);
    const after = await getImage('sharinpix', imageId);

    // Assess
    expect(before.status).toBe(404);
    expect(before.body).toMatchObject({ error: 'not_found' });
    expect(after.status).toBe(200);
    expect(v.parse(ImageRecordSchema, after.body)).toMatchObject({
      status: 'uploaded',
      collection: { kind: 'album', id: 'album-einstein' },
      detections: [{ label: 'car', confidence: 0.9, source: 'einstein' }],
    });
  });

  it('applies what a strict reading refused: "1e999", comma-joined image ids, camel-case event names, a null Spyne signature beside the URL token', async () => {
    // Prepare
    const imageId = 'lenient-img';
    const album = 'album-lenient';
    const processed = {
      ...(loadBody('sharinpix', 'image_processed') as Record<string, unknown>),
      id: imageId,
      public_id: imageId,
      album_id: album,
    };
    const eventIdOf = (answer: { body: unknown }) => v.parse(AnswerSchema, answer.body).eventId;

    // Act
    const first = await postSharinpix('image_processed', processed);
    await finishedEntry(eventIdOf(first));
    const infinite = await postSharinpix('ImageProcessed', { ...processed, width: '1e999' });
    const infiniteEntry = await finishedEntry(eventIdOf(infinite));
    const joined = await postSharinpix('uploadDone', {
      album_id: album,
      image_ids: 'lenient-a, lenient-b,lenient-c,',
    });
    await finishedEntry(eventIdOf(joined));
    const record = await getImage('sharinpix', imageId);
    const listed = await fetch(`${stack.url}/images?vendor=sharinpix&collection=${album}`);
    const spyne = await fetch(
      `${stack.url}/webhooks/spyne?token=${encodeURIComponent(DEV_SECRETS.SPYNE_URL_TOKEN)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...skuBody('sku-null-signature', [
            image('null-signature-img', 'https://media.example.com/out/null-signature-img.jpg'),
          ]),
          signature: null,
        }),
      },
    );
    const spyneEntry = await finishedEntry(eventIdOf({ body: await spyne.json() }));

    // Assess: the later event's "1e999" width is dropped and noted, never read as Infinity.
    expect(infinite.status).toBe(200);
    expect(v.parse(AnswerSchema, infinite.body).status).toBe('accepted');
    expect(infiniteEntry?.status).toBe('completed');
    expect(infiniteEntry?.notes).toEqual([expect.stringMatching(/^dropped width: /)]);
    expect(record.status).toBe(200);
    expect(v.parse(ImageRecordSchema, record.body)).toMatchObject({ width: 3024, status: 'done' });
    // One record per id of the joined string, in the album, beside the processed image.
    expect(joined.status).toBe(200);
    expect(
      v
        .parse(PageSchema, await listed.json())
        .items.map((item) => item.imageId)
        .sort(),
    ).toEqual(['lenient-a', 'lenient-b', 'lenient-c', imageId]);
    // A null signature is an absent one: the URL token authenticates the delivery.
    expect(spyne.status).toBe(200);
    expect(spyneEntry?.status).toBe('completed');
    expect(await getRecord('null-signature-img')).toMatchObject({
      collection: { id: 'sku-null-signature' },
      urls: { output: 'https://media.example.com/out/null-signature-img.jpg' },
    });
  });
});
