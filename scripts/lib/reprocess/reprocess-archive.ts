import { changedPaths } from '../../../shared/changes/changed-paths';
import {
  type CollectionRule,
  type RecordState,
  storedCollectionOf,
  toImageRecord,
} from '../../../shared/record/record-state';
import type { ImageChange } from '../../../shared/record/image-change';
import { rebuildState } from '../../../shared/record/rebuild-state';
import type { ReplaceOutcome } from '../../../shared/store/dynamodb-image-record-store';
import type { ImageAliasStore } from '../../../shared/store/image-alias-store';
import type { LedgerEntry } from '../../../shared/store/ledger-item';
import {
  encodeState,
  type RecordCause,
  recordKey,
  type StoredRecord,
} from '../../../shared/store/record-item';
import { ConcurrentUpdateError } from '../../../shared/store/store-errors';
import type { Vendor } from '../../../shared/vendors/vendor';
import { mapWithConcurrency } from '../../../shared/worker/worker-handler';
import type { ProcessEventDeps } from '../../../shared/worker/process-event';
import { type ArchivedEvent, readArchivedEvent } from './archived-event';

/** Which events to reprocess; every filter given must match. */
export interface ReprocessSelection {
  readonly vendor?: Vendor;
  /** A collection id (SKU, album, job, folder): only images of that collection. */
  readonly collection?: string;
  readonly eventId?: string;
  /** ISO time: only events received at or after it. */
  readonly since?: string;
}

/** The ledger's archives, as reprocessing reads them. */
export interface ArchiveSource {
  archived(options: { vendor?: Vendor }): Promise<LedgerEntry[]>;
}

/** The records, as reprocessing reads and rewrites them (`DynamoDbImageRecordStore`). */
export interface RecordRewriter {
  get(vendor: Vendor, imageId: string): Promise<StoredRecord | undefined>;
  replace(
    state: RecordState,
    storedRev: number | undefined,
    cause: RecordCause,
  ): Promise<ReplaceOutcome>;
}

export interface ReprocessDeps {
  readonly archive: ArchiveSource;
  readonly records: RecordRewriter;
  /** Resolves the images that archived events name by alias only (public ids). */
  readonly aliases: Pick<ImageAliasStore, 'resolve'>;
  /** Today's normalizers. */
  readonly definitions: ProcessEventDeps['definitions'];
  readonly dryRun: boolean;
  /** Images rebuilt in flight. */
  readonly concurrency?: number;
  /** Rewrite attempts per image when concurrent writes keep winning. */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

/** One image whose record reprocessing changed (or, in a dry run, would change). */
export interface ImageRewrite {
  readonly vendor: Vendor;
  readonly imageId: string;
  readonly created: boolean;
  /** The record's paths whose value changed, as a change event lists them. */
  readonly changed: readonly string[];
}

/** What a run did, for the summary line and `--json`. */
export interface ReprocessSummary {
  readonly dryRun: boolean;
  /** The write cause recorded on rewritten records (`eventType` `reprocess`). */
  readonly cause: RecordCause;
  /** Ledger entries holding an archive (of the vendor, when one is selected). */
  readonly archivedEvents: number;
  /** Archived events that match the selection: the events reprocessed. */
  readonly selectedEvents: number;
  /** Archives today's code cannot read; the fields they set are kept. */
  readonly unreadable: ReadonlyArray<{ readonly eventId: string; readonly reason: string }>;
  /** Images the selected events touch (within the collection, when one is selected). */
  readonly images: number;
  readonly rewritten: readonly ImageRewrite[];
  readonly unchanged: number;
  readonly failed: ReadonlyArray<{ readonly imageId: string; readonly error: string }>;
  /** Changes the collection rule refused while rebuilding. */
  readonly refusedChanges: number;
  /** Changes naming an image by an alias no event has registered: left held. */
  readonly unresolvedAliasChanges: number;
  /** Writes that lost to a concurrent write and were rebuilt on it. */
  readonly conflicts: number;
  readonly seconds: number;
}

/** Everything the archive says about one image. */
interface ImageWork {
  readonly vendor: Vendor;
  readonly imageId: string;
  readonly collections: CollectionRule;
  readonly changes: ImageChange[];
  selected: boolean;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_ATTEMPTS = 10;

const matchesEvent = (event: ArchivedEvent, selection: ReprocessSelection): boolean =>
  (selection.eventId === undefined || event.eventId === selection.eventId) &&
  (selection.since === undefined || event.receivedAt >= selection.since);

/** Whether the image is in the selected collection, by its stored record or by a change. */
const inCollection = (
  work: ImageWork,
  stored: StoredRecord | undefined,
  collection: string | undefined,
): boolean =>
  collection === undefined ||
  storedCollectionOf(stored?.state)?.id === collection ||
  work.changes.some((change) => change.patch.core?.collection?.id === collection);

const sameState = (a: RecordState, b: RecordState): boolean => encodeState(a) === encodeState(b);

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Re-applies archived events through today's normalizers. The ledger keeps each completed event's
 * redacted envelope as its archive; a normalizer fix therefore reaches the records it got wrong:
 *
 * 1. Read every archive of the vendor (one Scan of the ledger) and normalize each payload again.
 *    The events that match the selection name the images to rebuild.
 * 2. Rebuild each of those images from all its archived events, not only the selected ones (an
 *    older archived event may own a field the selected one no longer sets), merged with the stored
 *    fields no archived event set (`rebuildState`): fields of events older than the archive's
 *    retention, or archived without their payload, are kept.
 * 3. Write a state that differs with a condition on the record's revision; a concurrent worker
 *    write refuses it and hands back the current item, on which the image is rebuilt again, so no
 *    write is lost. The write goes through the records table like any other, so its stream emits
 *    the change event, with the cause `{eventId: "reprocess:<start time>", eventType: "reprocess"}`.
 *
 * Idempotent: a second run rebuilds the same states and writes nothing.
 */
export const reprocessArchive = async (
  selection: ReprocessSelection,
  deps: ReprocessDeps,
): Promise<ReprocessSummary> => {
  const started = (deps.now ?? (() => new Date()))();
  const cause: RecordCause = {
    eventId: `reprocess:${started.toISOString()}`,
    eventType: 'reprocess',
  };
  const entries = await deps.archive.archived(
    selection.vendor === undefined ? {} : { vendor: selection.vendor },
  );
  const unreadable: Array<{ eventId: string; reason: string }> = [];
  const events: ArchivedEvent[] = [];
  for (const entry of entries) {
    const reading = readArchivedEvent(entry, deps.definitions);
    if (reading.kind === 'event') events.push(reading.event);
    if (reading.kind === 'unreadable') unreadable.push(reading);
  }
  const rederivedIds = new Set(events.map((event) => event.eventId));

  const images = new Map<string, ImageWork>();
  const resolvedAliases = new Map<string, Promise<string | undefined>>();
  const resolve = (vendor: Vendor, alias: string): Promise<string | undefined> => {
    const key = `${vendor}#${alias}`;
    let found = resolvedAliases.get(key);
    if (found === undefined) {
      found = deps.aliases.resolve(vendor, alias);
      resolvedAliases.set(key, found);
    }
    return found;
  };
  let unresolvedAliasChanges = 0;
  let selectedEvents = 0;
  for (const event of events) {
    const selected = matchesEvent(event, selection);
    if (selected) selectedEvents += 1;
    const changes = [...event.changes];
    for (const aliased of event.aliasChanges) {
      const imageId = await resolve(aliased.vendor, aliased.alias);
      if (imageId === undefined) unresolvedAliasChanges += 1;
      else
        changes.push({
          vendor: aliased.vendor,
          imageId,
          clock: aliased.clock,
          patch: aliased.patch,
        });
    }
    for (const change of changes) {
      if (event.refusedImages.has(change.imageId)) continue;
      const key = recordKey(change.vendor, change.imageId);
      const work = images.get(key) ?? {
        vendor: change.vendor,
        imageId: change.imageId,
        collections: event.collections,
        changes: [],
        selected: false,
      };
      work.changes.push(change);
      work.selected ||= selected;
      images.set(key, work);
    }
  }

  const rewritten: ImageRewrite[] = [];
  const failed: Array<{ imageId: string; error: string }> = [];
  let unchanged = 0;
  let touched = 0;
  let refusedChanges = 0;
  let conflicts = 0;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const rebuildImage = async (work: ImageWork): Promise<void> => {
    let stored = await deps.records.get(work.vendor, work.imageId);
    if (!inCollection(work, stored, selection.collection)) return;
    touched += 1;
    for (let attempt = 1; ; attempt += 1) {
      const rebuilt = rebuildState({
        stored: stored?.state,
        rederived: (eventId) => rederivedIds.has(eventId),
        changes: work.changes,
        collections: work.collections,
      });
      const state = rebuilt.state;
      if (state === undefined || Object.keys(state.fields).length === 0) {
        refusedChanges += rebuilt.refused;
        unchanged += 1;
        return;
      }
      if (stored !== undefined && sameState(stored.state, state)) {
        refusedChanges += rebuilt.refused;
        unchanged += 1;
        return;
      }
      const at = started.toISOString();
      const change: ImageRewrite = {
        vendor: work.vendor,
        imageId: work.imageId,
        created: stored === undefined,
        changed: changedPaths(stored && toImageRecord(stored.state, at), toImageRecord(state, at)),
      };
      if (deps.dryRun) {
        refusedChanges += rebuilt.refused;
        rewritten.push(change);
        return;
      }
      if (attempt > maxAttempts) {
        throw new ConcurrentUpdateError(recordKey(work.vendor, work.imageId), maxAttempts);
      }
      const outcome = await deps.records.replace(state, stored?.rev, cause);
      if (outcome.written) {
        refusedChanges += rebuilt.refused;
        rewritten.push(change);
        return;
      }
      conflicts += 1;
      stored = outcome.current;
    }
  };
  const selectedImages = [...images.values()].filter((work) => work.selected);
  await mapWithConcurrency(
    selectedImages,
    deps.concurrency ?? DEFAULT_CONCURRENCY,
    async (work) => {
      try {
        await rebuildImage(work);
      } catch (error) {
        failed.push({ imageId: work.imageId, error: errorText(error) });
      }
    },
  );
  const finished = (deps.now ?? (() => new Date()))();
  return {
    dryRun: deps.dryRun,
    cause,
    archivedEvents: events.length + unreadable.length,
    selectedEvents,
    unreadable,
    images: touched,
    rewritten: rewritten.sort((a, b) => a.imageId.localeCompare(b.imageId)),
    unchanged,
    failed,
    refusedChanges,
    unresolvedAliasChanges,
    conflicts,
    seconds: (finished.getTime() - started.getTime()) / 1000,
  };
};
