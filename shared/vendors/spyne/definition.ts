import { isJsonObject } from '../../json/json-value';
import { invalid, type Validated, validateEvent } from '../../validation/validation-issue';
import {
  collectionCompletedBySpyneEvent,
  identifySpyneEvent,
  imagesExpectedBySpyneEvent,
  normalizeSpyneEvent,
} from './normalize';
import type { VendorDefinition, VendorDelivery } from '../vendor-definition';
import type { SpyneEvent } from './event';
import { spyneVersionOf } from './manifest';
import { SpyneV1Schema, SpyneV2Schema } from './schema';

const readSpyneDelivery = ({ payload }: VendorDelivery): Validated<SpyneEvent> => {
  if (!isJsonObject(payload)) return invalid('', 'must be a JSON object (a Spyne SKU webhook)');
  return spyneVersionOf(payload) === 'v1'
    ? validateEvent('sku.v1', SpyneV1Schema, payload)
    : validateEvent('sku.v2', SpyneV2Schema, payload);
};

/** Spyne: one SKU-completion webhook per SKU, v2 (current) or v1 (deprecated). */
export const spyne: VendorDefinition<SpyneEvent> = {
  vendor: 'spyne',
  read: readSpyneDelivery,
  identify: identifySpyneEvent,
  normalize: normalizeSpyneEvent,
  imagesExpected: imagesExpectedBySpyneEvent,
  collections: 'fixed',
  collectionCompleted: collectionCompletedBySpyneEvent,
};
