import * as v from 'valibot';
import { JsonObjectSchema } from '../../json/json-value';
import {
  DateTimeSchema,
  IdSchema,
  IntegerLikeSchema,
  listOf,
  NumberLikeSchema,
  optional,
  optionalFormat,
  TextSchema,
  UrlSchema,
} from '../common-schemas';

/**
 * Spyne's two webhook bodies: the valibot schemas of v2 (current) and v1 (deprecated). Which one
 * a body is, `spyneVersionOf`, lives in the manifest: authentication needs it too, and the
 * manifest is carried by every bundle, which must not carry these schemas.
 */

/**
 * Spyne Push Service bodies (docs.spyne.ai/reference/webhook). One POST per SKU when
 * it completes. `signature` is not part of these schemas: ingest verifies it, and the queued
 * payload never carries it (it is a credential, and Spyne re-signs every delivery).
 */

/** v2.0 image. The two published samples differ; both pass. */
const SpyneV2ImageSchema = v.object({
  image_id: IdSchema,
  image_name: optional(TextSchema),
  image_category: optional(TextSchema),
  /** A string holding an integer in both samples. */
  frame_no: optionalFormat(IntegerLikeSchema),
  input_image: optionalFormat(UrlSchema),
  output_image: optionalFormat(UrlSchema),
  lowres_output: optionalFormat(UrlSchema),
  /** A number in one sample, a string in the other. */
  background_id: optional(v.union([v.number(), TextSchema])),
  /** `done` in one sample, `Done` in the other; compared case-insensitively. */
  status: optional(TextSchema),
  image_meta_data: optionalFormat(JsonObjectSchema),
  angle: optional(v.union([v.number(), TextSchema])),
  reject_reason: optional(TextSchema),
});
export type SpyneV2Image = v.InferOutput<typeof SpyneV2ImageSchema>;

/** v2.0 SKU (current). The newer sample adds the optional SKU fields below. */
export const SpyneV2Schema = v.object({
  project_id: IdSchema,
  sku_id: IdSchema,
  sku_status: optional(TextSchema),
  sku_meta_data: optionalFormat(JsonObjectSchema),
  image_data: listOf(SpyneV2ImageSchema, 1),
  sku_name: optional(TextSchema),
  total_frame_count: optionalFormat(NumberLikeSchema),
  VIN: optional(TextSchema),
  team_name: optional(TextSchema),
  source: optional(TextSchema),
});
export type SpyneV2 = v.InferOutput<typeof SpyneV2Schema>;

/** v1.0 image (deprecated, still sent by old accounts): hres/lres URLs, no status. */
const SpyneV1ImageSchema = v.object({
  image_id: IdSchema,
  image_name: optional(TextSchema),
  image_category: optional(TextSchema),
  sequenceNumber: optionalFormat(IntegerLikeSchema),
  input_image_hres_url: optionalFormat(UrlSchema),
  input_image_lres_url: optionalFormat(UrlSchema),
  output_image_hres_url: optionalFormat(UrlSchema),
  output_image_lres_url: optionalFormat(UrlSchema),
  output_image_lres_wm_url: optionalFormat(UrlSchema),
  source: optional(TextSchema),
  /** When the image output was created: the one vendor time that dates a Spyne change. */
  created_on: optionalFormat(DateTimeSchema),
});

/** v1.0 SKU: no `sku_status`, no per-image status. */
export const SpyneV1Schema = v.object({
  project_id: IdSchema,
  sku_id: IdSchema,
  image_data: listOf(SpyneV1ImageSchema, 1),
});
export type SpyneV1 = v.InferOutput<typeof SpyneV1Schema>;
