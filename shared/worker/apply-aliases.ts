import type { AliasedImageChange, ImageChange } from '../record/image-change';
import type { ImageAliasStore } from '../store/image-alias-store';
import { mapWithConcurrency } from './worker-handler';

/** An alias change, addressed to the image its alias names. */
const toImage = (change: AliasedImageChange, imageId: string): ImageChange => ({
  vendor: change.vendor,
  imageId,
  clock: change.clock,
  patch: change.patch,
});

/** How one image change fared, as the caller's `apply` reports it. */
export interface AliasWork<TOutcome> {
  readonly apply: (change: ImageChange) => Promise<TOutcome>;
  /** Whether an outcome is final (applied or refused for good), so its held change may go. */
  readonly settled: (outcome: TOutcome) => boolean;
  readonly concurrency: number;
}

/**
 * Registers every alias the event's changes give their images, then applies the changes that
 * were held for each alias to that image and releases them. Returns the outcomes of the held
 * changes applied. Held changes stay until all of them settled, so a failure retries them.
 */
export const linkAliases = async <TOutcome>(
  changes: readonly ImageChange[],
  aliases: ImageAliasStore,
  work: AliasWork<TOutcome>,
): Promise<TOutcome[]> => {
  const links = changes.flatMap((change) =>
    (change.aliases ?? []).map((alias) => ({ change, alias })),
  );
  const applied = await mapWithConcurrency(links, work.concurrency, async ({ change, alias }) => {
    const held = await aliases.link(change.vendor, alias, change.imageId);
    const outcomes: TOutcome[] = [];
    for (const heldChange of held)
      outcomes.push(await work.apply(toImage(heldChange, change.imageId)));
    if (held.length > 0 && outcomes.every(work.settled)) {
      await aliases.release(change.vendor, alias);
    }
    return outcomes;
  });
  return applied.flat();
};

/**
 * Applies each change that names its image only by an alias: to the image the alias names, or,
 * while no event has registered the alias, held with it (counted in `held`).
 */
export const applyAliasChanges = async <TOutcome>(
  changes: readonly AliasedImageChange[],
  aliases: ImageAliasStore,
  work: AliasWork<TOutcome>,
): Promise<{ outcomes: TOutcome[]; held: number }> => {
  let held = 0;
  const outcomes = await mapWithConcurrency(changes, work.concurrency, async (change) => {
    const imageId =
      (await aliases.resolve(change.vendor, change.alias)) ?? (await aliases.hold(change)).linkedTo;
    if (imageId === undefined) {
      held += 1;
      return [];
    }
    return [await work.apply(toImage(change, imageId))];
  });
  return { outcomes: outcomes.flat(), held };
};
