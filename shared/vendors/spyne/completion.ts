import type { Collection } from '../../record/image-record';
import type { SpyneEvent } from './event';

/**
 * The SKU a Spyne event completes, if it does. Spyne posts when a SKU is finished: a v2 event says
 * so in `sku_status` (`done` in any case), and the deprecated v1 webhook was only ever sent for a
 * finished SKU, so every v1 event completes its SKU.
 */
export const collectionCompletedBySpyneEvent = (event: SpyneEvent): Collection | undefined => {
  const done =
    event.eventType === 'sku.v1' || event.payload.sku_status?.trim().toLowerCase() === 'done';
  const { sku_id: id, project_id: parentId } = event.payload;
  return done ? { kind: 'sku', id, parentId } : undefined;
};
