import type { ImageChange } from '../../shared/record/image-change';
import { applyChange, type RecordState } from '../../shared/record/record-state';

/**
 * Folds any number of changes for one image; the order does not matter. The worker applies one
 * change at a time (`applyChange`); tests and expected-record builders fold whole sets.
 */
export const mergeAll = (changes: readonly ImageChange[]): RecordState | undefined =>
  changes.reduce<RecordState | undefined>(
    (state, change) => applyChange(state, change).state,
    undefined,
  );
