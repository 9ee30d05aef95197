import type { WithDroppedFields } from '../../validation/validation-issue';
import type { SpyneV1, SpyneV2 } from './schema';

/** A validated Spyne delivery: the SKU webhook in its current (v2) or deprecated (v1) shape. */
export type SpyneEvent = WithDroppedFields &
  (
    | { readonly eventType: 'sku.v2'; readonly payload: SpyneV2 }
    | { readonly eventType: 'sku.v1'; readonly payload: SpyneV1 }
  );
