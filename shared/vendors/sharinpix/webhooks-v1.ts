import { isJsonObject } from '../../json/json-value';

/**
 * SharinPix's older Webhooks V1 image shape, as SharinPix's own AWS Lambda receiver reads it
 * (public repository SharinPix/aws-image-backup): the image's URL and file name sit in `infos`
 * (`infos.secure_url`, `infos.original_filename`) and its album in `album.public_id`, where V2
 * has `original_url`, `filename` and `album_id`. Such bodies arrive as forms (`p=`).
 *
 * The V1 fields are copied to their V2 names where the V2 name is absent, so one schema reads
 * both, and the queued payload (V2 names) reads back the same. A V2 field that is present always
 * wins. Nothing else changes: `album` is not part of the schema and is dropped with the other
 * undocumented fields.
 */
export const withWebhooksV1Fields = (image: Record<string, unknown>): Record<string, unknown> => {
  const infos = isJsonObject(image.infos) ? image.infos : {};
  const album = isJsonObject(image.album) ? image.album : {};
  const fallbacks: Array<[string, unknown]> = [
    ['original_url', infos.secure_url],
    ['filename', infos.original_filename],
    ['album_id', album.public_id],
  ];
  const missing = fallbacks.filter(
    ([name, value]) => (image[name] === undefined || image[name] === null) && value != null,
  );
  return missing.length === 0 ? image : { ...image, ...Object.fromEntries(missing) };
};

/** A tag event whose nested image may have the V1 shape. */
export const withWebhooksV1Image = (event: Record<string, unknown>): Record<string, unknown> =>
  isJsonObject(event.image) ? { ...event, image: withWebhooksV1Fields(event.image) } : event;
