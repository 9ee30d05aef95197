import { type JsonValue, presentValues } from '../../json/json-value';
import type { EventClock } from '../../record/record-state';
import type {
  ImageChange,
  ImagePatch,
  StatedStatus,
  ImageExpectation,
} from '../../record/image-change';
import type { Detection } from '../../record/image-record';
import { urlOrUndefined } from '../common-schemas';
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
