import * as v from 'valibot';
import {
  DateTimeSchema,
  IdSchema,
  IntegerLikeSchema,
  MAX_ID_LENGTH,
  NumberLikeSchema,
  optional,
  optionalFormat,
  TextSchema,
  toNumber,
  UrlSchema,
  BooleanLikeSchema,
} from '../common-schemas';

/**
 * Cloudinary notification bodies (Cloudinary's notification documentation and its SDKs; sample
 * bodies with documented field sets). `notification_type` names the event; the payload keeps it,
 * so a queued payload reads back through the same schema.
 *
 * Credentials never pass: `v.object` drops `api_key` and `signature_key` (the API key that
 * signed), and `notification_context` keeps only `triggered_at` (its `triggered_by.id` is an API
 * key or a user id).
 *
 * Every transform is idempotent: bulk `resources` sent as an object keyed by public id come out
 * as a list carrying that public id, which reads back as the same list.
 */

/** The most assets one bulk notification may carry that we read. */
const MAX_RESOURCES = 1000;
/** The most tags, context keys or eager derivations read per asset and event. */
const MAX_VALUES_PER_ASSET = 200;
/** Longest tag, context key or folder path kept; Cloudinary's own limits are lower. */
const MAX_NAME_LENGTH = MAX_ID_LENGTH;

/** A non-negative size or pixel count, as a number or a numeric string. */
const SizeSchema = v.pipe(
  NumberLikeSchema,
  v.check((value) => toNumber(value) >= 0, 'must not be negative'),
);

/** A tag or a context key: short text without control characters. */
const NameSchema = IdSchema;

/** An asset folder path; `""` is the root folder. */
const FolderSchema = v.pipe(
  v.string('must be a folder path'),
  v.trim(),
  v.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
  // Control characters on purpose: a folder id must be safe in keys and logs.
  v.regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
);

const NamesSchema = v.pipe(
  v.array(NameSchema, 'must be a list of names'),
  v.maxLength(MAX_VALUES_PER_ASSET, `must hold at most ${MAX_VALUES_PER_ASSET} names`),
);

/** `{ triggered_at, triggered_by }` on every type that has it; only the time is kept. */
const NotificationContextSchema = v.object({ triggered_at: optionalFormat(DateTimeSchema) });

/** Fields every notification may carry that date it. */
const DatedFields = {
  timestamp: optionalFormat(DateTimeSchema),
  request_id: optional(IdSchema),
  notification_context: optional(NotificationContextSchema),
};

/** A moderation step on an upload: `{kind, status}` (`pending`, `queued`, `approved` …). */
const ModerationStepSchema = v.object({
  kind: optional(TextSchema),
  status: v.pipe(TextSchema, v.trim(), v.toLowerCase()),
});

/** `context.custom`: the asset's key-value metadata. */
const CustomContextSchema = v.pipe(
  v.record(NameSchema, TextSchema, 'must map names to text'),
  v.check(
    (context) => Object.keys(context).length <= MAX_VALUES_PER_ASSET,
    `must hold at most ${MAX_VALUES_PER_ASSET} keys`,
  ),
);

/** upload: an asset was uploaded (or overwritten: a new `version`). */
export const CloudinaryUploadSchema = v.object({
  notification_type: v.literal('upload'),
  ...DatedFields,
  asset_id: IdSchema,
  public_id: IdSchema,
  /** Unix seconds of this upload; grows on overwrite. */
  version: optionalFormat(IntegerLikeSchema),
  version_id: optional(IdSchema),
  width: optionalFormat(SizeSchema),
  height: optionalFormat(SizeSchema),
  format: optional(TextSchema),
  resource_type: optional(TextSchema),
  type: optional(TextSchema),
  created_at: optionalFormat(DateTimeSchema),
  tags: optional(NamesSchema),
  bytes: optionalFormat(SizeSchema),
  etag: optional(TextSchema),
  placeholder: optional(BooleanLikeSchema),
  url: optionalFormat(UrlSchema),
  secure_url: optionalFormat(UrlSchema),
  asset_folder: optional(FolderSchema),
  display_name: optional(TextSchema),
  original_filename: optional(TextSchema),
  context: optional(v.object({ custom: optional(CustomContextSchema) })),
  moderation: optional(
    v.pipe(
      v.array(ModerationStepSchema, 'must be a list of {kind, status}'),
      v.maxLength(MAX_VALUES_PER_ASSET),
    ),
  ),
});
export type CloudinaryUpload = v.InferOutput<typeof CloudinaryUploadSchema>;

/** One derived version of an eager notification. */
const EagerDerivationSchema = v.object({
  transformation: v.pipe(TextSchema, v.maxLength(MAX_ID_LENGTH * 4)),
  width: optionalFormat(SizeSchema),
  height: optionalFormat(SizeSchema),
  bytes: optionalFormat(SizeSchema),
  format: optional(TextSchema),
  url: optionalFormat(UrlSchema),
  secure_url: optionalFormat(UrlSchema),
  status: optional(TextSchema),
  reason: optional(TextSchema),
});

/** eager: derived versions of an asset were generated asynchronously. */
export const CloudinaryEagerSchema = v.object({
  notification_type: v.literal('eager'),
  ...DatedFields,
  batch_id: optional(IdSchema),
  asset_id: IdSchema,
  public_id: optional(IdSchema),
  eager: v.pipe(
    v.array(EagerDerivationSchema, 'must be a list of derivations'),
    v.maxLength(MAX_VALUES_PER_ASSET, `must hold at most ${MAX_VALUES_PER_ASSET} derivations`),
  ),
});
export type CloudinaryEager = v.InferOutput<typeof CloudinaryEagerSchema>;

/**
 * moderation: a moderation step decided. The captured samples carry `public_id` and no
 * `asset_id`, so the image is found by its public id (an alias); an `asset_id` is used when sent.
 */
export const CloudinaryModerationSchema = v.object({
  notification_type: v.literal('moderation'),
  ...DatedFields,
  moderation_status: v.pipe(TextSchema, v.trim(), v.toLowerCase(), v.minLength(1)),
  moderation_kind: optional(TextSchema),
  moderation_updated_at: optionalFormat(DateTimeSchema),
  public_id: IdSchema,
  asset_id: optional(IdSchema),
  resource_type: optional(TextSchema),
  uploaded_at: optionalFormat(DateTimeSchema),
  version: optionalFormat(IntegerLikeSchema),
  url: optionalFormat(UrlSchema),
  secure_url: optionalFormat(UrlSchema),
  etag: optional(TextSchema),
});
export type CloudinaryModeration = v.InferOutput<typeof CloudinaryModerationSchema>;

/** rename: the asset's public id changed; its `asset_id` did not. */
export const CloudinaryRenameSchema = v.object({
  notification_type: v.literal('rename'),
  ...DatedFields,
  resource_type: optional(TextSchema),
  type: optional(TextSchema),
  asset_id: IdSchema,
  asset_folder: optional(FolderSchema),
  display_name: optional(TextSchema),
  from_public_id: IdSchema,
  to_public_id: IdSchema,
});
export type CloudinaryRename = v.InferOutput<typeof CloudinaryRenameSchema>;

/** Context entries: `[{name, value}]` in one source, `{name: value}` in another; a list here. */
const ContextEntriesSchema = v.pipe(
  v.union(
    [
      v.array(v.object({ name: NameSchema, value: optional(TextSchema) })),
      v.pipe(
        v.record(NameSchema, optional(TextSchema)),
        v.transform((map) => Object.entries(map).map(([name, value]) => ({ name, value }))),
      ),
    ],
    'must be a list of {name, value} or an object of names to values',
  ),
  v.maxLength(MAX_VALUES_PER_ASSET, `must hold at most ${MAX_VALUES_PER_ASSET} entries`),
);

/** Removed context keys: `[{name, value}]` in one source, `["name"]` in another; names here. */
const RemovedContextSchema = v.pipe(
  v.array(
    v.union(
      [
        NameSchema,
        v.pipe(
          v.object({ name: NameSchema }),
          v.transform(({ name }) => name),
        ),
      ],
      'must be a context key or {name, value}',
    ),
  ),
  v.maxLength(MAX_VALUES_PER_ASSET, `must hold at most ${MAX_VALUES_PER_ASSET} entries`),
);

/** The fields every bulk item may carry. One of `asset_id` and `public_id` names the asset. */
const BulkItemFields = {
  asset_id: optional(IdSchema),
  public_id: optional(IdSchema),
  resource_type: optional(TextSchema),
  type: optional(TextSchema),
};

const DeleteItemSchema = v.object({
  ...BulkItemFields,
  version: optionalFormat(IntegerLikeSchema),
  asset_folder: optional(FolderSchema),
  display_name: optional(TextSchema),
});
const TagsItemSchema = v.object({
  ...BulkItemFields,
  added: optional(NamesSchema),
  removed: optional(NamesSchema),
  updated: optional(NamesSchema),
});
const ContextItemSchema = v.object({
  ...BulkItemFields,
  added: optional(ContextEntriesSchema),
  updated: optional(ContextEntriesSchema),
  removed: optional(RemovedContextSchema),
});
const DisplayNameItemSchema = v.object({
  ...BulkItemFields,
  asset_folder: optional(FolderSchema),
  previous_display_name: optional(TextSchema),
  new_display_name: TextSchema,
});
const MoveItemSchema = v.object({
  ...BulkItemFields,
  from_asset_folder: optional(FolderSchema),
  to_asset_folder: FolderSchema,
  display_name: optional(TextSchema),
});

/**
 * `resources`: a list (delete, tags) or an object keyed by public id (move, context, display
 * name). Either comes out as a list whose items carry their public id; each item must name its
 * asset by `asset_id` or `public_id`.
 */
const resourcesOf = <TItem extends v.GenericSchema<unknown, { public_id?: string | null }>>(
  item: TItem,
) =>
  v.pipe(
    v.union(
      [
        v.array(item),
        v.pipe(
          v.record(IdSchema, item),
          v.transform((byPublicId) =>
            Object.entries(byPublicId).map(([publicId, entry]) => ({
              ...entry,
              public_id: entry.public_id ?? publicId,
            })),
          ),
        ),
      ],
      'must be a list of assets or an object of assets by public id',
    ),
    v.minLength(1, 'must name at least 1 asset'),
    v.maxLength(MAX_RESOURCES, `must hold at most ${MAX_RESOURCES} assets`),
    v.check(
      (items) => items.every((entry) => hasAssetName(entry)),
      'must name each asset by asset_id or public_id',
    ),
  );

const hasAssetName = (entry: unknown): boolean =>
  typeof entry === 'object' &&
  entry !== null &&
  Boolean(
    (entry as { asset_id?: unknown }).asset_id ?? (entry as { public_id?: unknown }).public_id,
  );

/** The bulk notifications: several assets under `resources`. */
const bulk = <TType extends string, TItem extends v.GenericSchema<unknown, object>>(
  type: TType,
  item: TItem,
) =>
  v.object({
    notification_type: v.literal(type),
    ...DatedFields,
    source: optional(TextSchema),
    resources: resourcesOf(item),
  });

export const CloudinaryDeleteSchema = bulk('delete', DeleteItemSchema);
export type CloudinaryDelete = v.InferOutput<typeof CloudinaryDeleteSchema>;
export const CloudinaryTagsChangedSchema = bulk('resource_tags_changed', TagsItemSchema);
export type CloudinaryTagsChanged = v.InferOutput<typeof CloudinaryTagsChangedSchema>;
export const CloudinaryContextChangedSchema = bulk('resource_context_changed', ContextItemSchema);
export type CloudinaryContextChanged = v.InferOutput<typeof CloudinaryContextChangedSchema>;
export const CloudinaryDisplayNameChangedSchema = bulk(
  'resource_display_name_changed',
  DisplayNameItemSchema,
);
export type CloudinaryDisplayNameChanged = v.InferOutput<typeof CloudinaryDisplayNameChangedSchema>;
export const CloudinaryMoveSchema = bulk('move', MoveItemSchema);
export type CloudinaryMove = v.InferOutput<typeof CloudinaryMoveSchema>;

/** The notification types this service turns into records. */
const CLOUDINARY_EVENT_TYPES = [
  'upload',
  'eager',
  'moderation',
  'delete',
  'rename',
  'resource_tags_changed',
  'resource_context_changed',
  'resource_display_name_changed',
  'move',
] as const;
export type CloudinaryEventType = (typeof CLOUDINARY_EVENT_TYPES)[number];

/** Narrows a notification type to the supported ones. */
export const isSupportedCloudinaryType = (name: string): name is CloudinaryEventType =>
  (CLOUDINARY_EVENT_TYPES as readonly string[]).includes(name);

/** A notification type we may keep as an ignored event: snake_case, bounded, safe in ids. */
export const NotificationTypeSchema = v.pipe(
  v.string('must be a string: the Cloudinary notification type'),
  v.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a notification type such as upload'),
);
