import type { JsonValue } from '../json/json-value';
import type { Vendor } from '../vendors/vendor';
import type { EventClock } from './record-state';
import type {
  Collection,
  Detection,
  DetectionSource,
  Gps,
  Tag,
  ThumbnailSize,
  UrlKind,
} from './image-record';

/** Statuses an event states directly; `uploaded` and `deleted` come from the flags below. */
export type StatedStatus = 'processing' | 'done' | 'failed';

/** The scalar fields of a record, each merged on its own. */
export interface CoreFields {
  readonly collection: Collection;
  readonly name: string;
  readonly category: string;
  readonly sequence: number;
  readonly status: StatedStatus;
  readonly width: number;
  readonly height: number;
  readonly sizeBytes: number;
  readonly format: string;
  readonly rotation: number;
  readonly gps: Gps;
  readonly createdAt: string;
  readonly takenAt: string;
  readonly externalId: string;
  readonly error: string;
}

/** `undefined` (absent) leaves a field alone; `null` clears it. */
type Settable<T> = { readonly [K in keyof T]?: T[K] | null };

/**
 * What one event says about one image. A normalizer produces these from a validated vendor
 * event; it never sees stored state. Every value it carries is merged field by field under the
 * event's clock, so the patch only names what the event actually knows.
 */
export interface ImagePatch {
  readonly core?: Settable<CoreFields>;
  readonly urls?: Settable<Record<UrlKind, string>>;
  readonly thumbnails?: Settable<Record<ThumbnailSize, string>>;
  /** Per tag id: the tag now on the image, or `null` once removed. */
  readonly tags?: Readonly<Record<string, Omit<Tag, 'id'> | null>>;
  /** Replaces the detections of each source it names. */
  readonly detections?: { readonly [S in DetectionSource]?: readonly Detection[] };
  readonly vendorMeta?: Readonly<Record<string, JsonValue | null>>;
  /** Deletion is terminal: no later event brings the image back. */
  readonly deleted?: true;
  /**
   * The image exists. Status `uploaded` shows only while no event has stated a status. A patch
   * with neither this, a status nor `deleted` only annotates an image (see `isAnnounced`).
   */
  readonly uploaded?: true;
}

/** One event's patch for one image, with the event's clock. */
export interface ImageChange {
  readonly vendor: Vendor;
  readonly imageId: string;
  readonly clock: EventClock;
  readonly patch: ImagePatch;
  /**
   * Other names the event gives this image (a public id: an upload's, a rename's new
   * one). The worker records each as an alias of `imageId`, so a later event that names the image
   * only by an alias (`AliasedImageChange`) finds it.
   */
  readonly aliases?: readonly string[];
}

/**
 * One event's patch for an image the event names only by an alias (a moderation
 * carries the public id, not the asset id). The worker resolves the alias to the image id and
 * applies the patch there; until an event registers the alias, the change is held with it.
 */
export interface AliasedImageChange {
  readonly vendor: Vendor;
  readonly alias: string;
  readonly clock: EventClock;
  readonly patch: ImagePatch;
}

/**
 * Whether the image a change is about normally exists already (`existing`: an edit, a tag, a
 * deletion, a job's completion) or is normally new (`new`, the default). It only decides how the
 * store starts, so it changes what a write costs, never the record it writes: a wrong guess costs
 * one extra read or one refused write.
 */
export type ImageExpectation = 'new' | 'existing';
