import { contentDigestOf, presentValues } from '../../json/json-value';
import type {
  AliasedImageChange,
  ImageChange,
  ImageExpectation,
  ImagePatch,
  StatedStatus,
} from '../../record/image-change';
import type { Collection, Tag } from '../../record/image-record';
import type { EventClock } from '../../record/record-state';
import { eventTimeFrom, numberOrUndefined, toIsoTime, urlOrUndefined } from '../common-schemas';
import type { EventIdentity } from '../vendor-definition';
import type { CloudinaryEvent, SupportedCloudinaryEvent } from './event';
import type {
  CloudinaryContextChanged,
  CloudinaryEager,
  CloudinaryModeration,
  CloudinaryRename,
  CloudinaryUpload,
} from './schema';

/**
 * What a validated Cloudinary notification means: which of its assets are images (`isImage`),
 * its `eventId` and event time (`identifyCloudinaryEvent`), and the record and alias changes it
 * implies (`normalizeCloudinaryEvent`, `aliasChangesOfCloudinaryEvent`,
 * `imagesExpectedByCloudinaryEvent`). They belong together because each is a pure reading of the
 * same notification, and the image test decides for all of them which assets count.
 */

/**
 * Cloudinary notifies about images, videos and raw files on the same triggers, and bulk
 * notifications mix them. Records are for images only; an asset without a `resource_type` (the
 * captured moderation sample has none) is taken for one.
 */
export const isImage = (asset: { readonly resource_type?: string | null }): boolean =>
  asset.resource_type == null || asset.resource_type === 'image';

/**
 * `cloudinary:<notification type>:<subject>:<digest>`, where the digest is `contentDigest` of the
 * validated payload and the subject is the type's semantic key:
 *
 * | notification type                | subject                                           |
 * |----------------------------------|---------------------------------------------------|
 * | upload                           | `asset_id` `@` `version`                          |
 * | eager                            | `asset_id` `@` `batch_id` (else `request_id`)     |
 * | moderation                       | `public_id` `@` `moderation_status`               |
 * | rename                           | `asset_id`                                        |
 * | delete, tags, context, display name, move | `triggered_at` of the notification (bulk) |
 * | any unsupported type             | `event`                                           |
 *
 * Cloudinary sends no notification id, and `request_id` names the API call (an upload and its
 * eager result share it). The validated payload holds every field of the semantic keys (version,
 * batch, moderation kind and time, from and to ids, trigger time), so the digest completes them:
 * a retry of the same body keeps its id, and a tag added, removed and added again are three ids
 * (their trigger times differ). The payload has no `api_key`, `signature_key` or
 * `triggered_by`, and the signing headers are not part of it, so a re-signed retry keeps its id.
 *
 * Event time (never `X-Cld-Timestamp`, which is the signing time):
 * - upload: `version` (unix seconds of this upload), else `created_at`;
 * - moderation: `moderation_updated_at`;
 * - everything else: `notification_context.triggered_at`, else the body's `timestamp`;
 * - the receipt time when none is sent, or when the vendor's is beyond clock skew in the future.
 */
export const identifyCloudinaryEvent = (
  event: CloudinaryEvent,
  receivedAt: Date,
): EventIdentity => {
  const { digest, canonical } = contentDigestOf(event.payload);
  return {
    eventType: event.eventType,
    eventId: `cloudinary:${event.eventType}:${subjectOf(event)}:${digest}`,
    eventTime: eventTimeFrom(vendorTimeOf(event), receivedAt),
    supported: !event.unsupported && touchesImages(event),
    canonicalPayload: canonical,
  };
};

const BULK_SUBJECT = 'bulk';
const UNKNOWN_SUBJECT = 'event';

const subjectOf = (event: CloudinaryEvent): string => {
  if (event.unsupported) return UNKNOWN_SUBJECT;
  switch (event.eventType) {
    case 'upload':
      return `${event.payload.asset_id}@${event.payload.version ?? ''}`;
    case 'eager':
      return `${event.payload.asset_id}@${event.payload.batch_id ?? event.payload.request_id ?? ''}`;
    case 'moderation':
      return `${event.payload.public_id}@${event.payload.moderation_status}`;
    case 'rename':
      return event.payload.asset_id;
    case 'delete':
    case 'resource_tags_changed':
    case 'resource_context_changed':
    case 'resource_display_name_changed':
    case 'move':
      return event.payload.notification_context?.triggered_at ?? BULK_SUBJECT;
  }
};

/** The trigger time, else the body's generation time: what dates most notifications. */
const triggeredAt = (payload: {
  readonly timestamp?: string | null;
  readonly notification_context?: { readonly triggered_at?: string | null } | null;
}): string | undefined =>
  payload.notification_context?.triggered_at ?? payload.timestamp ?? undefined;

/** Unix seconds as an ISO time; `undefined` for a value `Date` cannot hold. */
const unixSecondsToIso = (seconds: number | string): string | undefined => {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

const vendorTimeOf = (event: CloudinaryEvent): string | undefined => {
  if (event.unsupported) return undefined;
  switch (event.eventType) {
    case 'upload':
      return event.payload.version == null
        ? (event.payload.created_at ?? triggeredAt(event.payload))
        : unixSecondsToIso(event.payload.version);
    case 'moderation':
      return event.payload.moderation_updated_at ?? triggeredAt(event.payload);
    default:
      return triggeredAt(event.payload);
  }
};

/**
 * Whether a supported notification is about at least one image. Cloudinary notifies about
 * videos and raw files on the same triggers; those are authentic, kept and answered `ignored`.
 */
const touchesImages = (event: SupportedCloudinaryEvent): boolean => {
  switch (event.eventType) {
    case 'upload':
    case 'moderation':
    case 'rename':
      return isImage(event.payload);
    case 'eager':
      return true;
    default:
      return event.payload.resources.some(isImage);
  }
};

/** A patch and the image it is for: by `asset_id`, or by public id alone. */
type Targeted =
  | { readonly imageId: string; readonly patch: ImagePatch; readonly aliases?: readonly string[] }
  | { readonly alias: string; readonly patch: ImagePatch };

/** An asset folder as the record's collection; `""` (the root folder) clears it. */
const folderOf = (folder: string | null | undefined): Collection | null | undefined => {
  if (folder === undefined || folder === null) return undefined;
  return folder === '' ? null : { kind: 'folder', id: folder };
};

const tagsOf = (names: readonly string[] | null | undefined, present: boolean) =>
  Object.fromEntries(
    (names ?? []).map((name): [string, Omit<Tag, 'id'> | null] => [
      name,
      present ? { name } : null,
    ]),
  );

/** `context.<key>` in `vendorMeta`, one key per context entry, so entries merge one by one. */
const contextKey = (name: string): string => `context.${name}`;

/**
 * The status an upload implies: done, unless a moderation step is still pending or queued
 * (processing) or has rejected it (failed, with the reason). The error is cleared otherwise, so
 * an overwrite that passes moderation stops reporting an older rejection.
 */
const uploadStatus = (upload: CloudinaryUpload): { status: StatedStatus; error: string | null } => {
  const steps = upload.moderation ?? [];
  const rejected = steps.find((step) => step.status === 'rejected');
  if (rejected) return { status: 'failed', error: moderationError(rejected.kind) };
  if (steps.some((step) => step.status === 'pending' || step.status === 'queued')) {
    return { status: 'processing', error: null };
  }
  return { status: 'done', error: null };
};

const moderationError = (kind: string | null | undefined): string =>
  kind ? `moderation rejected (${kind})` : 'moderation rejected';

/**
 * upload (record mapping, Cloudinary): a snapshot of the asset. `name` is the display name, else
 * the public id; the public id is also kept in `vendorMeta` and registered as an alias.
 */
const uploadPatch = (upload: CloudinaryUpload): ImagePatch => ({
  core: {
    collection: folderOf(upload.asset_folder),
    name: upload.display_name || upload.public_id,
    width: numberOrUndefined(upload.width),
    height: numberOrUndefined(upload.height),
    format: upload.format || undefined,
    sizeBytes: numberOrUndefined(upload.bytes),
    createdAt: upload.created_at ? toIsoTime(upload.created_at) : undefined,
    ...uploadStatus(upload),
  },
  urls: { output: urlOrUndefined(upload.secure_url) ?? urlOrUndefined(upload.url) },
  tags: tagsOf(upload.tags, true),
  vendorMeta: {
    ...presentValues({
      public_id: upload.public_id,
      type: upload.type,
      version: upload.version == null ? undefined : Number(upload.version),
    }),
    ...Object.fromEntries(
      Object.entries(upload.context?.custom ?? {}).map(([name, value]) => [
        contextKey(name),
        value,
      ]),
    ),
  },
});

/** eager: the derived versions, as the latest eager batch reported them. */
const eagerPatch = (eager: CloudinaryEager): ImagePatch => ({
  vendorMeta: {
    eager: eager.eager.map((derived) =>
      presentValues({
        transformation: derived.transformation,
        url: urlOrUndefined(derived.secure_url) ?? urlOrUndefined(derived.url),
        width: numberOrUndefined(derived.width),
        height: numberOrUndefined(derived.height),
        bytes: numberOrUndefined(derived.bytes),
        format: derived.format ?? undefined,
        status: derived.status ?? undefined,
        reason: derived.reason ?? undefined,
      }),
    ),
  },
});

/**
 * moderation: approved → done; rejected → failed with the error; pending or queued → processing.
 * Other states (aborted: another step rejected first) leave the status to that step.
 */
const moderationPatch = (moderation: CloudinaryModeration): ImagePatch => {
  const { moderation_status: status, moderation_kind: kind } = moderation;
  const stated =
    status === 'approved'
      ? { status: 'done' as const, error: null }
      : status === 'rejected'
        ? { status: 'failed' as const, error: moderationError(kind) }
        : status === 'pending' || status === 'queued'
          ? { status: 'processing' as const }
          : {};
  return {
    core: stated,
    urls: { output: urlOrUndefined(moderation.secure_url) ?? urlOrUndefined(moderation.url) },
    vendorMeta: { moderation: presentValues({ kind: kind ?? undefined, status }) },
  };
};

/**
 * rename: the same record (`asset_id`) under a new public id. The delivery URLs embed the public
 * id, so the stored output URL is cleared until the next upload or eager result names one.
 */
const renamePatch = (rename: CloudinaryRename): ImagePatch => ({
  core: {
    name: rename.display_name || rename.to_public_id,
    collection: folderOf(rename.asset_folder),
  },
  urls: { output: null },
  vendorMeta: { public_id: rename.to_public_id },
});

const contextPatch = (item: CloudinaryContextChanged['resources'][number]): ImagePatch => {
  const entries: Array<[string, string | null]> = [];
  for (const { name, value } of [...(item.added ?? []), ...(item.updated ?? [])]) {
    entries.push([contextKey(name), value ?? null]);
  }
  for (const name of item.removed ?? []) entries.push([contextKey(name), null]);
  return { vendorMeta: Object.fromEntries(entries) };
};

/** A bulk item's patch, addressed by `asset_id` where sent, else by its public id. */
const itemChange = (
  item: { readonly asset_id?: string | null; readonly public_id?: string | null },
  patch: ImagePatch,
): Targeted =>
  item.asset_id ? { imageId: item.asset_id, patch } : { alias: item.public_id ?? '', patch };

const targetedOf = (event: SupportedCloudinaryEvent): Targeted[] => {
  switch (event.eventType) {
    case 'upload':
      return isImage(event.payload)
        ? [
            {
              imageId: event.payload.asset_id,
              patch: uploadPatch(event.payload),
              aliases: [event.payload.public_id],
            },
          ]
        : [];
    case 'eager':
      return [{ imageId: event.payload.asset_id, patch: eagerPatch(event.payload) }];
    case 'moderation':
      return isImage(event.payload)
        ? [itemChange(event.payload, moderationPatch(event.payload))]
        : [];
    case 'rename':
      return isImage(event.payload)
        ? [
            {
              imageId: event.payload.asset_id,
              patch: renamePatch(event.payload),
              aliases: [event.payload.to_public_id],
            },
          ]
        : [];
    case 'delete':
      return event.payload.resources
        .filter(isImage)
        .map((item) => itemChange(item, { deleted: true }));
    case 'resource_tags_changed':
      return event.payload.resources.filter(isImage).map((item) =>
        itemChange(item, {
          tags: {
            ...tagsOf(item.added, true),
            ...tagsOf(item.updated, true),
            ...tagsOf(item.removed, false),
          },
        }),
      );
    case 'resource_context_changed':
      return event.payload.resources
        .filter(isImage)
        .map((item) => itemChange(item, contextPatch(item)));
    case 'resource_display_name_changed':
      return event.payload.resources
        .filter(isImage)
        .map((item) => itemChange(item, { core: { name: item.new_display_name } }));
    case 'move':
      return event.payload.resources
        .filter(isImage)
        .map((item) => itemChange(item, { core: { collection: folderOf(item.to_asset_folder) } }));
  }
};

/**
 * Every Cloudinary notification is about an asset that was uploaded, so each one announces its
 * image (`uploaded`, which shows only until an event states a status; a deletion announces it by
 * itself): a rename or a tag change that overtakes the upload still makes a record that is served.
 */
const targetedChanges = (event: CloudinaryEvent): Targeted[] =>
  event.unsupported
    ? []
    : targetedOf(event).map((target) =>
        target.patch.deleted ? target : { ...target, patch: { ...target.patch, uploaded: true } },
      );

/**
 * The record changes of one notification for images named by `asset_id` (record mapping,
 * Cloudinary). Videos and raw files make none, nor do unsupported types.
 */
export const normalizeCloudinaryEvent = (
  event: CloudinaryEvent,
  clock: EventClock,
): ImageChange[] =>
  targetedChanges(event).flatMap((target) =>
    'imageId' in target
      ? [
          {
            vendor: 'cloudinary' as const,
            imageId: target.imageId,
            clock,
            patch: target.patch,
            ...(target.aliases ? { aliases: target.aliases } : {}),
          },
        ]
      : [],
  );

/** The changes for images the notification names only by public id (moderation, old items). */
export const aliasChangesOfCloudinaryEvent = (
  event: CloudinaryEvent,
  clock: EventClock,
): AliasedImageChange[] =>
  targetedChanges(event).flatMap((target) =>
    'alias' in target
      ? [{ vendor: 'cloudinary' as const, alias: target.alias, clock, patch: target.patch }]
      : [],
  );

/** An upload announces its asset; every other notification is about an asset already there. */
export const imagesExpectedByCloudinaryEvent = (event: CloudinaryEvent): ImageExpectation =>
  event.unsupported || event.eventType === 'upload' ? 'new' : 'existing';
