import { type JsonValue, presentValues } from '../../json/json-value';
import type {
  ImageChange,
  ImageExpectation,
  ImagePatch,
  StatedStatus,
} from '../../record/image-change';
import type { Collection, Detection } from '../../record/image-record';
import type { EventClock } from '../../record/record-state';
import { eventTimeFrom, urlOrUndefined } from '../common-schemas';
import type { EventIdentity } from '../vendor-definition';
import type { ImageIntelligenceEvent } from './event';
import type {
  AskJob,
  ChosenImage,
  DetectImageResult,
  DetectJob,
  DetectJobResult,
  ImageResult,
  MatchJob,
} from './schema';

/**
 * What a validated Image Intelligence job result means: its `eventId` and event time
 * (`identifyImageIntelligenceEvent`), the record changes it implies
 * (`normalizeImageIntelligenceEvent`, `imagesExpectedByImageIntelligenceEvent`) and the job it
 * completes (`collectionCompletedByImageIntelligenceEvent`). They belong together because each is a
 * pure reading of the same event: a field added to the schema is weighed for all of them in one
 * place.
 */

/**
 * Where a job status stands in the job's life: `IN_PROGRESS` comes before any `COMPLETED_*`.
 * Unknown statuses rank with `IN_PROGRESS`, so they never outrank a completion.
 */
const jobLifecycleRank = (jobStatus: string): number =>
  jobStatus.trim().toUpperCase().startsWith('COMPLETED') ? 1 : 0;

/**
 * `image-intelligence:<job id>:<job status>`, the status upper-cased (contract: job id plus status).
 * The vendor POSTs a job's result and retries a failed delivery up to 5 times with the same body,
 * so the retries share this id; a job reported `IN_PROGRESS` and later `COMPLETED_*` gives two
 * distinct events. Each status of a job is reported once (retries aside), so no payload digest
 * is added, which also keeps retries equal if the vendor re-serializes the body.
 *
 * Event time: the job's `createdAt`, advanced by one millisecond per lifecycle stage
 * (`IN_PROGRESS` +0, `COMPLETED_*` +1). `createdAt` alone is the same on every status of a job, so
 * it cannot order them (and the eventId tie-break would let `IN_PROGRESS` win, `I` > `C`); the
 * receipt time cannot either, because a retried `IN_PROGRESS` (the vendor retries for a while)
 * can arrive after the `COMPLETED_*` and would put a finished image back to processing. The
 * lifecycle rank is the vendor's own order, stable across retries, so every delivery of an event
 * carries the same time. A later job on the same image has a later `createdAt` and wins. A
 * `createdAt` from beyond clock skew in the future falls back to the receipt time.
 */
export const identifyImageIntelligenceEvent = (
  event: ImageIntelligenceEvent,
  receivedAt: Date,
): EventIdentity => {
  const { id, status, createdAt } = event.payload;
  const stagedTime = new Date(Date.parse(createdAt) + jobLifecycleRank(status)).toISOString();
  return {
    eventType: event.eventType,
    eventId: `image-intelligence:${id}:${status.toUpperCase()}`,
    eventTime: eventTimeFrom(stagedTime, receivedAt),
    supported: true,
  };
};

/** The status and error an image status implies. */
export interface ImageOutcome {
  readonly status: StatedStatus;
  /** The vendor's failure status, or `null` to clear an error an older event set. */
  readonly error: string | null;
}

/**
 * `COMPLETED_SUCCESSFULLY` → done, `IN_PROGRESS` → processing, any `*_ERROR` → failed with the
 * status as the error. Anything else is a status the vendor added since: it is not read as a
 * success or a failure it may not be, so the image stays processing until a known status comes.
 */
export const imageIntelligenceOutcome = (imageStatus: string): ImageOutcome => {
  const status = imageStatus.trim().toUpperCase();
  if (status === 'COMPLETED_SUCCESSFULLY') return { status: 'done', error: null };
  if (status.endsWith('_ERROR')) return { status: 'failed', error: status };
  return { status: 'processing', error: null };
};

type AnyJob = DetectJob | MatchJob | AskJob;

/** The fields every job kind sets on each of its images. */
const basePatch = (
  job: AnyJob,
  image: ImageResult,
  extraMeta: Record<string, JsonValue | undefined>,
) => {
  const { status, error } = imageIntelligenceOutcome(image.status);
  return {
    core: {
      collection: { kind: 'job', id: job.id },
      status,
      error,
      externalId: image.customId ?? undefined,
    },
    urls: {
      input: image.url,
      proxy: urlOrUndefined(image.proxyUrl),
    },
    // The record's `createdAt` is left alone: the job's creation time is not the image's.
    vendorMeta: presentValues({
      feedId: job.feedId,
      jobStatus: job.status,
      jobCustomId: job.customId,
      jobCreatedAt: job.createdAt,
      ...extraMeta,
    }),
  } satisfies ImagePatch;
};

const detection = (
  label: string,
  confidence: number,
  source: Detection['source'],
  verdict: boolean | null | undefined,
  hitl: boolean | null | undefined,
): Detection => ({
  label,
  confidence,
  ...(verdict == null ? {} : { verdict }),
  ...(hitl == null ? {} : { hitl }),
  source,
});

/** Per class: the `hitl` of the entry naming each image, and of the first entry that has one. */
interface ClassVerification {
  readonly byImageId: Map<string, boolean>;
  fallback: boolean | undefined;
}

const verificationByClass = (
  jobResults: readonly DetectJobResult[],
): Map<string, ClassVerification> => {
  const byClass = new Map<string, ClassVerification>();
  for (const result of jobResults) {
    if (result.hitl == null) continue;
    const entry = byClass.get(result.class) ?? { byImageId: new Map(), fallback: undefined };
    const imageId = result.image?.id;
    if (imageId !== undefined && !entry.byImageId.has(imageId))
      entry.byImageId.set(imageId, result.hitl);
    entry.fallback ??= result.hitl;
    byClass.set(result.class, entry);
  }
  return byClass;
};

/**
 * `/detect`: `objects[]` become detections with source detect. `hitl` is per class in
 * `jobResults`, preferring the entry whose image is this one; it is omitted when no entry has
 * it. An image without `objects` (still in progress) leaves earlier detections alone.
 */
const detectChanges = (job: DetectJob, clock: EventClock): ImageChange[] => {
  const verification = verificationByClass(job.jobResults);
  const detectionsOf = (image: DetectImageResult): Detection[] | undefined =>
    image.objects?.map((object) => {
      const verified = verification.get(object.class);
      const hitl = verified?.byImageId.get(image.id) ?? verified?.fallback;
      return detection(object.class, object.confidence, 'detect', object.verdict, hitl);
    });
  return job.imageResults.map((image) => {
    const detect = detectionsOf(image);
    return {
      vendor: 'image-intelligence',
      imageId: image.id,
      clock,
      patch: {
        ...basePatch(job, image, {}),
        ...(detect === undefined ? {} : { detections: { detect } }),
      },
    };
  });
};

const isChosen = (image: ImageResult, chosen: ChosenImage | null | undefined): boolean => {
  if (chosen == null) return false;
  return chosen.id == null ? image.url === chosen.url : image.id === chosen.id;
};

/**
 * `/match`: the one image the job matched gets the target's class as a detection with source
 * match; every other image gets none (which clears an older match). The match result carries no
 * score, so a reported match is recorded as certain (confidence 1, verdict true) unless the
 * result does carry a `confidence`.
 */
const matchChanges = (job: MatchJob, clock: EventClock): ImageChange[] => {
  const { target, image: chosen, hitl } = job.jobResults;
  const matched =
    chosen == null
      ? undefined
      : detection(target.class, chosen.confidence ?? 1, 'match', true, hitl);
  return job.imageResults.map((image) => ({
    vendor: 'image-intelligence',
    imageId: image.id,
    clock,
    patch: {
      ...basePatch(job, image, {}),
      detections: { match: matched && isChosen(image, chosen) ? [matched] : [] },
    },
  }));
};

/** `/ask`: a yes/no answer about the job, not a detection in an image; `question` is kept. */
const askChanges = (job: AskJob, clock: EventClock): ImageChange[] =>
  job.imageResults.map((image) => ({
    vendor: 'image-intelligence',
    imageId: image.id,
    clock,
    patch: basePatch(job, image, { question: job.question ?? undefined }),
  }));

/** One change per `imageResults[]` entry (record mapping: Image Intelligence). */
export const normalizeImageIntelligenceEvent = (
  event: ImageIntelligenceEvent,
  clock: EventClock,
): ImageChange[] => {
  switch (event.eventType) {
    case 'detect':
      return detectChanges(event.payload, clock);
    case 'match':
      return matchChanges(event.payload, clock);
    case 'ask':
      return askChanges(event.payload, clock);
  }
};

/**
 * Image Intelligence posts a job's result once the whole job is complete, and a
 * job's images are its own: its webhook is normally the first word about them.
 */
export const imagesExpectedByImageIntelligenceEvent = (): ImageExpectation => 'new';

/**
 * The job an Image Intelligence result completes, if it does: a job whose status is any
 * `COMPLETED_*` (successfully, or with errors on some images). An `IN_PROGRESS` result does not.
 */
export const collectionCompletedByImageIntelligenceEvent = (
  event: ImageIntelligenceEvent,
): Collection | undefined =>
  event.payload.status.toUpperCase().startsWith('COMPLETED_')
    ? { kind: 'job', id: event.payload.id }
    : undefined;
