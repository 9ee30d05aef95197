import { isJsonObject } from '../../json/json-value';
import { invalid, type Validated, validate } from '../../validation/validation-issue';
import type { VendorDefinition, VendorDelivery } from '../vendor-definition';
import type { SpyneEvent } from './event';
import { identifySpyneEvent } from './identity';
import { imagesExpectedBySpyneEvent, normalizeSpyneEvent } from './normalize';
import { SpyneV1Schema, SpyneV2Schema, spyneVersionOf } from './schema';

const readSpyneDelivery = ({ payload }: VendorDelivery): Validated<SpyneEvent> => {
  if (!isJsonObject(payload)) return invalid('', 'must be a JSON object (a Spyne SKU webhook)');
  if (spyneVersionOf(payload) === 'v1') {
    const result = validate(SpyneV1Schema, payload);
    return result.ok ? { ok: true, value: { eventType: 'sku.v1', payload: result.value } } : result;
  }
  const result = validate(SpyneV2Schema, payload);
  return result.ok ? { ok: true, value: { eventType: 'sku.v2', payload: result.value } } : result;
};

/** Spyne: one SKU-completion webhook per SKU, v2 (current) or v1 (deprecated). */
export const spyne: VendorDefinition<SpyneEvent> = {
  vendor: 'spyne',
  read: readSpyneDelivery,
  identify: identifySpyneEvent,
  normalize: normalizeSpyneEvent,
  imagesExpected: imagesExpectedBySpyneEvent,
};
