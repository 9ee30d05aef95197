import * as v from 'valibot';
import { isJsonObject } from '../../json/json-value';
import {
  IdSchema,
  listOf,
  MAX_ISO_EPOCH_MS,
  optional,
  optionalFormat,
  TextSchema,
  UrlSchema,
  BooleanLikeSchema,
} from '../common-schemas';

/**
 * Image Intelligence job results, as POSTed to the job's `webhookUrl` once the job is complete
 * (vendor page "Handling Asynchronous APIs with Webhooks"; OpenAPI v2 DetectJobResponse,
 * MatchJobResponse, AskJobResponse). Three kinds share the top level `id, createdAt,
 * status, customId?, feedId?` and differ in `jobResults`.
 *
 * `webhookUrl` is deliberately not part of these schemas: it is our own endpoint and carries our
 * secret token in its query string, so `v.object` drops it and the queued payload never holds it.
 */

/** The three job kinds; also the `eventType` of a validated delivery. */
export const IMAGE_INTELLIGENCE_JOB_KINDS = ['detect', 'match', 'ask'] as const;
export type ImageIntelligenceJobKind = (typeof IMAGE_INTELLIGENCE_JOB_KINDS)[number];

/** Job statuses the OpenAPI `JobStatus` lists. Others still pass (see `StatusTokenSchema`). */
export const IMAGE_INTELLIGENCE_JOB_STATUSES = [
  'COMPLETED_SUCCESSFULLY',
  'COMPLETED_PARTIAL_ERROR',
  'COMPLETED_ALL_ERROR',
  'IN_PROGRESS',
] as const;

/**
 * Image statuses from the changelog (v2.0.0-rc12); the OpenAPI `ImageStatus` enum lists only five
 * of them, so the wire is known to run ahead of the spec. Others still pass.
 */
export const IMAGE_INTELLIGENCE_IMAGE_STATUSES = [
  'COMPLETED_SUCCESSFULLY',
  'IN_PROGRESS',
  'UNKNOWN_ERROR',
  'JOB_ERROR',
  'IMAGE_DOWNLOAD_ERROR',
  'INVALID_IMAGE_FORMAT_ERROR',
  'SPIDERWEBS_ERROR',
  'DETECTION_ENGINE_ERROR',
  'MODEL_SERVICE_ERROR',
  'MALFORMED_MESSAGE_ERROR',
] as const;

/** Longest status token accepted; the known ones are under 30 characters. */
export const MAX_STATUS_LENGTH = 64;

/** Longest `/ask` question, per AskJobResponse. */
export const MAX_QUESTION_LENGTH = 256;

/**
 * A status, upper-cased. The vendor added image statuses before documenting them, so any
 * UPPER_SNAKE token passes and the normalizer maps unknown ones conservatively; refusing one
 * would make the vendor give up on a real result.
 */
const StatusTokenSchema = v.pipe(
  v.string('must be a status string'),
  v.trim(),
  v.toUpperCase(),
  v.maxLength(MAX_STATUS_LENGTH, `must be at most ${MAX_STATUS_LENGTH} characters`),
  v.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE status such as COMPLETED_SUCCESSFULLY'),
);

/**
 * Epoch values below this are seconds: 1e12 ms is September 2001, before the API existed, while
 * 1e12 s lies far beyond any real date.
 */
const EPOCH_SECONDS_BELOW = 1e12;

const EPOCH_DIGITS = /^\d{1,16}(\.\d{1,9})?$/;

const epochToIso = (value: number): string | undefined => {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const millis = Math.round(value < EPOCH_SECONDS_BELOW ? value * 1000 : value);
  return millis <= MAX_ISO_EPOCH_MS ? new Date(millis).toISOString() : undefined;
};

const dateTimeToIso = (value: string): string | undefined => {
  if (value.length > 64) return undefined;
  const millis = Date.parse(value);
  return millis >= 0 && millis <= MAX_ISO_EPOCH_MS ? new Date(millis).toISOString() : undefined;
};

/**
 * Reads a job `createdAt` into UTC ISO-8601, or `undefined` when it is no plausible time. The
 * changelog says epoch milliseconds, the published examples show seconds, and a numeric string
 * or an ISO date-time costs nothing to accept.
 */
const createdAtToIso = (value: number | string): string | undefined => {
  if (typeof value === 'number') return epochToIso(value);
  const trimmed = value.trim();
  return EPOCH_DIGITS.test(trimmed) ? epochToIso(Number(trimmed)) : dateTimeToIso(trimmed);
};

/**
 * The job's creation time, normalized to ISO-8601. The output is a string on purpose: the queued
 * payload is read again by the worker, and an epoch in milliseconds before 2001 would then be
 * misread as seconds, whereas an ISO string reads back to itself.
 */
const CreatedAtSchema = v.pipe(
  v.union(
    [v.number(), v.string()],
    'must be an epoch time (seconds or milliseconds) or an ISO-8601 date-time',
  ),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const iso = createdAtToIso(dataset.value);
    if (iso === undefined) {
      addIssue({
        message:
          'must be a non-negative epoch time (seconds or milliseconds) or an ISO-8601 date-time before year 10000',
      });
      return NEVER;
    }
    return iso;
  }),
);

/** A model confidence: a probability. */
const ConfidenceSchema = v.pipe(
  v.number('must be a number between 0 and 1'),
  v.finite('must be a number between 0 and 1'),
  v.minValue(0, 'must be between 0 and 1'),
  v.maxValue(1, 'must be between 0 and 1'),
);

/** Image URLs are required where the spec requires them; an empty one would name no image. */
const RequiredUrlSchema = v.pipe(UrlSchema, v.minLength(1, 'must not be empty'));

/** One object found in an image by `/detect`. */
const DetectedObjectSchema = v.object({
  class: TextSchema,
  confidence: ConfidenceSchema,
  /** Required since v2.0.0-rc18, optional before; kept lenient. */
  verdict: optional(BooleanLikeSchema),
});

const imageResultEntries = {
  id: IdSchema,
  url: RequiredUrlSchema,
  proxyUrl: optionalFormat(UrlSchema),
  customId: optional(IdSchema),
  status: StatusTokenSchema,
};

/** One image of a `/match` or `/ask` job: one record each. */
const ImageResultSchema = v.object(imageResultEntries);
export type ImageResult = v.InferOutput<typeof ImageResultSchema>;

/**
 * One image of a `/detect` job. The spec requires `objects`, but an image still in progress or
 * failed has nothing to report, so it is optional: absent means "no news", `[]` means "none found".
 */
const DetectImageResultSchema = v.object({
  ...imageResultEntries,
  objects: optional(listOf(DetectedObjectSchema)),
});
export type DetectImageResult = v.InferOutput<typeof DetectImageResultSchema>;

const jobEntries = {
  id: IdSchema,
  createdAt: CreatedAtSchema,
  status: StatusTokenSchema,
  customId: optional(IdSchema),
  feedId: optional(IdSchema),
};

/** The best image per class of a `/detect` job, and whether a human verified that class. */
const DetectJobResultSchema = v.object({
  class: TextSchema,
  /** Required by the spec; optional here because a job in progress has no verification yet. */
  hitl: optional(BooleanLikeSchema),
  image: optional(
    v.object({
      id: IdSchema,
      url: RequiredUrlSchema,
      proxyUrl: optionalFormat(UrlSchema),
      customId: optional(IdSchema),
      confidence: optionalFormat(ConfidenceSchema),
    }),
  ),
});
export type DetectJobResult = v.InferOutput<typeof DetectJobResultSchema>;

/** A `/detect` job result: `jobResults` is an array, one entry per class asked for. */
export const DetectJobSchema = v.object({
  ...jobEntries,
  jobResults: listOf(DetectJobResultSchema),
  imageResults: listOf(DetectImageResultSchema),
});
export type DetectJob = v.InferOutput<typeof DetectJobSchema>;

/**
 * The image a `/match` or `/ask` job chose (OpenAPI `ImageResponseItem`). Only `url` is required
 * there; `id` arrived later (changelog v2.0.0-rc12), so a result without it is matched by URL.
 */
const ChosenImageSchema = v.object({
  id: optional(IdSchema),
  url: RequiredUrlSchema,
  proxyUrl: optionalFormat(UrlSchema),
  customId: optional(IdSchema),
  /** Not in the spec; used when a match result carries a score. */
  confidence: optionalFormat(ConfidenceSchema),
});
export type ChosenImage = v.InferOutput<typeof ChosenImageSchema>;

/**
 * A `/match` job's single result object. `target.images` are the sample images of the request:
 * the spec allows 1–3, but they are not needed here, so their count is not held against a
 * delivery (an older revision allowed an empty list); each must still be a URL.
 */
const MatchJobResultSchema = v.object({
  target: v.object({
    class: TextSchema,
    customId: optional(IdSchema),
    images: listOf(RequiredUrlSchema),
  }),
  image: optional(ChosenImageSchema),
  /** Required by the spec; optional here because a job in progress has no verification yet. */
  hitl: optional(BooleanLikeSchema),
});

/** A `/match` job result: `jobResults` is one object with the `target` searched for. */
export const MatchJobSchema = v.object({
  ...jobEntries,
  jobResults: MatchJobResultSchema,
  imageResults: listOf(ImageResultSchema),
});
export type MatchJob = v.InferOutput<typeof MatchJobSchema>;

/** An `/ask` job result: the image answering "yes", if any. */
const AskJobResultSchema = v.object({
  image: optional(ChosenImageSchema),
});

/**
 * An `/ask` job result. `question` is required by the spec but optional here: the job is
 * recognized by its `jobResults` shape, and a missing question loses nothing a record needs.
 */
export const AskJobSchema = v.object({
  ...jobEntries,
  question: optional(
    v.pipe(
      v.string('must be a string'),
      v.trim(),
      v.maxLength(MAX_QUESTION_LENGTH, `must be at most ${MAX_QUESTION_LENGTH} characters`),
    ),
  ),
  examples: optional(
    v.object({
      yes: optionalFormat(listOf(RequiredUrlSchema)),
      no: optionalFormat(listOf(RequiredUrlSchema)),
    }),
  ),
  jobResults: AskJobResultSchema,
  imageResults: listOf(ImageResultSchema),
});
export type AskJob = v.InferOutput<typeof AskJobSchema>;

/** Only what tells the kinds apart; anything else is left to the kind's own schema. */
const KindProbeSchema = v.looseObject({
  jobResults: v.optional(v.unknown()),
  question: v.optional(v.unknown()),
});

/**
 * Tells the job kind by shape, before validation, so that the kind's own schema reports issues
 * with precise paths instead of a union's "none matched". `jobResults` as an array is `/detect`;
 * as an object holding `target` it is `/match`; a `question`, or any other object, is `/ask`.
 * Anything unrecognizable is held to `/detect`, the documented example.
 */
export const imageIntelligenceKindOf = (payload: unknown): ImageIntelligenceJobKind => {
  const probe = v.safeParse(KindProbeSchema, payload);
  if (!probe.success) return 'detect';
  const { jobResults, question } = probe.output;
  if (Array.isArray(jobResults)) return 'detect';
  if (isJsonObject(jobResults) && Object.hasOwn(jobResults, 'target')) return 'match';
  if (question !== undefined || isJsonObject(jobResults)) return 'ask';
  return 'detect';
};
