import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import { signFreshSpyneSignature } from '../../../shared/vendors/spyne/signature';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { type ImageRecord, ImageRecordSchema } from '../../../shared/record/image-record';
import { deliveryCount, type LedgerEntry } from '../../../shared/store/ledger-item';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import { markSuiteStarted, percentile, saveFigures } from '../support/figures';
import { HttpClient, type HttpRequest, type HttpResponse } from '../support/http-client';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack-process';
import { examples, stackLogViolations } from '../support/pipeline-checks';
import { checkWebhookResponse } from '../support/response-contract';
import { reliabilityScale, reliabilitySeed } from '../support/scale';
import { waitUntilQuiet } from '../support/stack-health';
import { scanLedger } from '../support/tables';

const scale = reliabilityScale();
const seed = reliabilitySeed();
jest.setTimeout(scale.suiteTimeoutMs);

const JSON_HEADERS = { 'content-type': 'application/json' };
const PageSchema = v.object({ items: v.array(ImageRecordSchema) });

/** The ids of one case: every case has its own SKUs, album and jobs, so cases never meet. */
const idsOf = (run: string, index: number) => {
  const n = `${run}-${index}`;
  return {
    project: `integrity-project-${n}`,
    victimSku: `victim-sku-${n}`,
    attackerSku: `attacker-sku-${n}`,
    signedSku: `signed-sku-${n}`,
    victimImage: `victim-img-${n}`,
    attackerImage: `attacker-img-${n}`,
    signedImage: `signed-img-${n}`,
    albumImage: `album-img-${n}`,
    album: `album-${n}`,
    otherAlbum: `other-album-${n}`,
    sharedImage: `shared-img-${n}`,
    firstJob: `first-job-${n}`,
    secondJob: `second-job-${n}`,
  };
};
type CaseIds = ReturnType<typeof idsOf>;

const GOOD_OUTPUT = (imageId: string) => `https://media.example.com/edited/${imageId}.png`;
const DEFACED = 'https://attacker.example.net/defaced.png';

const spyneImage = (imageId: string, output: string, status = 'done') => ({
  image_id: imageId,
  image_name: `${imageId}_Exterior`,
  image_category: 'Exterior',
  frame_no: '1',
  input_image: `https://media.example.com/raw/${imageId}.jpg`,
  output_image: output,
  status,
});

const spyneRequest = (
  project: string,
  sku: string,
  images: ReadonlyArray<Record<string, unknown>>,
  signature: string,
): HttpRequest => ({
  path: '/webhooks/spyne',
  headers: JSON_HEADERS,
  body: Buffer.from(
    JSON.stringify({
      project_id: project,
      sku_id: sku,
      sku_status: 'Done',
      image_data: images,
      signature,
    }),
  ),
});

/** A signature Spyne would issue for this SKU at `at` (one per SKU and second). */
const sign = (project: string, sku: string, at: Date) =>
  signFreshSpyneSignature(
    { project_id: project, sku_id: sku },
    DEV_SECRETS.SPYNE_SIGNING_SECRET,
    at,
  );

const sharinpixRequest = (event: string, body: Record<string, unknown>): HttpRequest => ({
  path: '/webhooks/sharinpix',
  headers: {
    ...JSON_HEADERS,
    'x-sharinpix-event': event,
    'x-sharinpix-secret': DEV_SECRETS.SHARINPIX_SECRET,
  },
  body: Buffer.from(JSON.stringify(body)),
});

const sharinpixImage = (imageId: string, album: string, url: string) => ({
  id: imageId,
  public_id: imageId,
  album_id: album,
  original_url: url,
  filename: imageId,
  processed: true,
});

const jobRequest = (job: string, imageId: string, createdAt: number): HttpRequest => ({
  path: '/webhooks/image-intelligence',
  query: `token=${DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`,
  headers: JSON_HEADERS,
  body: Buffer.from(
    JSON.stringify({
      id: job,
      createdAt,
      status: 'COMPLETED_SUCCESSFULLY',
      jobResults: [],
      imageResults: [
        {
          id: imageId,
          url: `https://images.example.com/${imageId}.jpg`,
          status: 'COMPLETED_SUCCESSFULLY',
          objects: [{ class: 'car', confidence: 0.9, verdict: true }],
        },
      ],
    }),
  ),
});

/** The requests of one case, in the two phases the suite sends them. */
const caseRequests = (ids: CaseIds, now: number) => {
  const captured = sign(ids.project, ids.signedSku, new Date(now));
  const genuineSigned = [spyneImage(ids.signedImage, GOOD_OUTPUT(ids.signedImage))];
  return {
    captured,
    first: {
      victim: spyneRequest(
        ids.project,
        ids.victimSku,
        [spyneImage(ids.victimImage, GOOD_OUTPUT(ids.victimImage))],
        sign(ids.project, ids.victimSku, new Date(now)),
      ),
      signed: spyneRequest(ids.project, ids.signedSku, genuineSigned, captured),
      album: sharinpixRequest(
        'new_image',
        sharinpixImage(ids.albumImage, ids.album, GOOD_OUTPUT(ids.albumImage)),
      ),
      job: jobRequest(ids.firstJob, ids.sharedImage, now),
    },
    attacks: {
      // A captured delivery of the attacker's own SKU, naming the victim's image too.
      crossSku: spyneRequest(
        ids.project,
        ids.attackerSku,
        [
          spyneImage(ids.attackerImage, GOOD_OUTPUT(ids.attackerImage)),
          spyneImage(ids.victimImage, DEFACED, 'failed'),
        ],
        sign(ids.project, ids.attackerSku, new Date(now)),
      ),
      // The captured signature of the signed SKU, with a forged body.
      reusedSignature: spyneRequest(
        ids.project,
        ids.signedSku,
        [spyneImage(ids.signedImage, DEFACED, 'failed')],
        captured,
      ),
      // The album's image, named under another album.
      crossAlbum: sharinpixRequest(
        'image_processed',
        sharinpixImage(ids.albumImage, ids.otherAlbum, DEFACED),
      ),
    },
    controls: {
      // Spyne's own retry of the genuine body, re-signed a second later.
      resigned: spyneRequest(
        ids.project,
        ids.signedSku,
        genuineSigned,
        sign(ids.project, ids.signedSku, new Date(now + 1000)),
      ),
      // Image Intelligence reuses an image in a later job: its images move.
      laterJob: jobRequest(ids.secondJob, ids.sharedImage, now + 60_000),
    },
  };
};

describe('integrity: a credential changes only its own data', () => {
  let stack: LocalStackProcess;
  let client: HttpClient;

  beforeAll(async () => {
    markSuiteStarted('integrity');
    stack = await startLocalStackProcess({ visibilityTimeoutSeconds: 4 });
    client = new HttpClient(stack.url, { maxSockets: 16 });
  });

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('refuses token replays across SKUs, reused signatures and cross-album changes, and keeps every victim record', async () => {
    // Prepare
    const startedAt = Date.now();
    const run = String(seed);
    const cases = Array.from({ length: scale.integrityCases }, (_, index) => {
      const ids = idsOf(run, index);
      // Each case signs in its own second: one JWT per SKU and second.
      return { ids, requests: caseRequests(ids, startedAt - (index + 2) * 2000) };
    });
    const responses: HttpResponse[] = [];
    const send = async (request: HttpRequest) => {
      const response = await client.send(request);
      responses.push(response);
      const checked = checkWebhookResponse(response);
      return checked.ok && checked.answer.kind === 'accepted' ? checked.answer.eventId : undefined;
    };
    const concurrency = scale.clientConcurrency;

    // Act: the genuine deliveries first, processed; then the attacks and the controls.
    const firstIds = await mapWithConcurrency(cases, concurrency, async ({ requests }) => ({
      victim: await send(requests.first.victim),
      signed: await send(requests.first.signed),
      album: await send(requests.first.album),
      job: await send(requests.first.job),
    }));
    await waitUntilQuiet(stack.url, 120_000);
    const attackIds = await mapWithConcurrency(cases, concurrency, async ({ requests }) => ({
      crossSku: await send(requests.attacks.crossSku),
      reusedSignature: await send(requests.attacks.reusedSignature),
      crossAlbum: await send(requests.attacks.crossAlbum),
      resigned: await send(requests.controls.resigned),
      laterJob: await send(requests.controls.laterJob),
    }));
    await waitUntilQuiet(stack.url, 120_000);
    const dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.info.dynamoDbEndpoint });
    const ledger = new Map(
      (await scanLedger(dynamoDb, stack.info.tables.ledger)).map((entry) => [entry.eventId, entry]),
    );
    dynamoDb.destroy();
    const getRecord = async (vendor: string, imageId: string): Promise<ImageRecord | undefined> => {
      const response = await client.send({ method: 'GET', path: `/images/${vendor}/${imageId}` });
      const parsed = v.safeParse(ImageRecordSchema, safeJson(response.body));
      return response.status === 200 && parsed.success ? parsed.output : undefined;
    };
    const listIds = async (vendor: string, collection: string): Promise<string[]> => {
      const response = await client.send({
        method: 'GET',
        path: '/images',
        query: `vendor=${vendor}&collection=${encodeURIComponent(collection)}`,
      });
      const parsed = v.safeParse(PageSchema, safeJson(response.body));
      return parsed.success ? parsed.output.items.map((record) => record.imageId) : [];
    };

    // Assess
    const problems: string[] = [];
    const expectEntry = (
      label: string,
      entry: LedgerEntry | undefined,
      check: (entry: LedgerEntry) => boolean,
    ) => {
      if (!entry || !check(entry)) {
        problems.push(
          `${label}: ledger ${entry ? JSON.stringify({ status: entry.status, refused: entry.refusedImages }) : 'missing'}`,
        );
        return false;
      }
      return true;
    };
    const refusedFor = (entry: LedgerEntry, imageId: string, reason: string) =>
      (entry.refusedImages ?? []).some(
        (refusal) => refusal.imageId === imageId && refusal.reason === reason,
      );
    let replaysRefused = 0;
    let reusesRefused = 0;
    let crossAlbumRefused = 0;
    let victimsIntact = 0;
    let retriesCounted = 0;
    let moves = 0;
    const numbered = cases.map((item, index) => ({ ...item, index }));
    await mapWithConcurrency(numbered, concurrency, async ({ ids, index }) => {
      const first = firstIds[index];
      const attack = attackIds[index];
      if (!first || !attack) return;
      const label = `case ${index}`;
      if (
        expectEntry(
          `${label} cross-SKU replay`,
          ledger.get(attack.crossSku ?? ''),
          (entry) =>
            entry.status === 'completed' &&
            refusedFor(entry, ids.victimImage, 'collection_mismatch'),
        )
      ) {
        replaysRefused += 1;
      }
      if (
        expectEntry(
          `${label} reused signature`,
          ledger.get(attack.reusedSignature ?? ''),
          (entry) =>
            entry.status === 'refused' && refusedFor(entry, ids.signedImage, 'signature_reused'),
        )
      ) {
        reusesRefused += 1;
      }
      if (
        expectEntry(
          `${label} cross-album change`,
          ledger.get(attack.crossAlbum ?? ''),
          (entry) =>
            entry.status === 'completed' &&
            refusedFor(entry, ids.albumImage, 'collection_mismatch'),
        )
      ) {
        crossAlbumRefused += 1;
      }
      if (attack.resigned !== undefined && attack.resigned === first.signed) {
        const entry = ledger.get(first.signed ?? '');
        if (entry && deliveryCount(entry) === 2) retriesCounted += 1;
        else problems.push(`${label}: the re-signed retry was not counted as a repeat`);
      } else {
        problems.push(`${label}: the re-signed retry got another eventId`);
      }
      const victim = await getRecord('spyne', ids.victimImage);
      const signed = await getRecord('spyne', ids.signedImage);
      const album = await getRecord('sharinpix', ids.albumImage);
      const shared = await getRecord('image-intelligence', ids.sharedImage);
      const victimListing = await listIds('spyne', ids.victimSku);
      const attackerListing = await listIds('spyne', ids.attackerSku);
      const intact =
        victim?.status === 'done' &&
        victim.urls.output === GOOD_OUTPUT(ids.victimImage) &&
        victim.collection?.id === ids.victimSku &&
        signed?.status === 'done' &&
        signed.urls.output === GOOD_OUTPUT(ids.signedImage) &&
        album?.collection?.id === ids.album &&
        album.urls.input === GOOD_OUTPUT(ids.albumImage) &&
        JSON.stringify(victimListing) === JSON.stringify([ids.victimImage]) &&
        JSON.stringify(attackerListing) === JSON.stringify([ids.attackerImage]);
      if (intact) victimsIntact += 1;
      else
        problems.push(
          `${label}: a victim record changed (${JSON.stringify({ victim: victim?.urls.output, signed: signed?.urls.output, album: album?.collection, victimListing, attackerListing })})`,
        );
      if (shared?.collection?.id === ids.secondJob) moves += 1;
      else problems.push(`${label}: the Image Intelligence image did not move to its later job`);
    });
    const accepted = new Set(
      [...firstIds, ...attackIds].flatMap((ids) =>
        Object.values(ids).filter((id): id is string => id !== undefined),
      ),
    );
    const lost = [...accepted].filter((eventId) => {
      const entry = ledger.get(eventId);
      return !entry || entry.status === 'processing';
    });
    const serverErrors = responses.filter((response) => response.status >= 500).length;
    const notAccepted = responses.filter((response) => response.status !== 200).length;
    const log = stack.log;
    const violations = [
      ...(notAccepted > 0 ? [`${notAccepted} deliveries were not answered 200`] : []),
      ...(lost.length > 0
        ? [`${lost.length} accepted events never finished${examples(lost)}`]
        : []),
      ...(problems.length > 0
        ? [`${problems.length} integrity failures${examples(problems)}`]
        : []),
      ...stackLogViolations(log),
    ];
    const latencies = responses.map((response) => response.ms);
    saveFigures({
      suite: 'integrity',
      order: 7,
      title: 'Integrity',
      seed,
      requests: responses.length,
      serverErrors,
      lost: lost.length,
      doubleApplied: log.doubleApplied().length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      durationMs: Date.now() - startedAt,
      details: {
        cases: cases.length,
        "SKU tokens replayed with another SKU's image, refused for that image": replaysRefused,
        'captured signatures reused with a forged body, refused whole': reusesRefused,
        'SharinPix images named under another album, refused': crossAlbumRefused,
        'victim records and listings intact': victimsIntact,
        're-signed genuine retries counted as repeats': retriesCounted,
        'Image Intelligence images moved to a later job (allowed)': moves,
      },
      violations,
    });
    console.log(
      `integrity: ${cases.length} cases, ${replaysRefused} cross-SKU replays, ${reusesRefused} reused signatures and ` +
        `${crossAlbumRefused} cross-album changes refused, ${victimsIntact} victims intact, ${retriesCounted} retries counted`,
    );
    expect(violations).toEqual([]);
  });
});

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
