import { isJsonObject } from '../../json/json-value';
import { invalid, type Validated, validate } from '../../validation/validation-issue';
import type { VendorDefinition, VendorDelivery } from '../vendor-definition';
import type { ImageIntelligenceEvent } from './event';
import { identifyImageIntelligenceEvent } from './identity';
import {
  imagesExpectedByImageIntelligenceEvent,
  normalizeImageIntelligenceEvent,
} from './normalize';
import { AskJobSchema, DetectJobSchema, imageIntelligenceKindOf, MatchJobSchema } from './schema';

const readImageIntelligenceDelivery = ({
  payload,
}: VendorDelivery): Validated<ImageIntelligenceEvent> => {
  if (!isJsonObject(payload))
    return invalid('', 'must be a JSON object (an Image Intelligence job result)');
  switch (imageIntelligenceKindOf(payload)) {
    case 'match': {
      const result = validate(MatchJobSchema, payload);
      return result.ok
        ? { ok: true, value: { eventType: 'match', payload: result.value } }
        : result;
    }
    case 'ask': {
      const result = validate(AskJobSchema, payload);
      return result.ok ? { ok: true, value: { eventType: 'ask', payload: result.value } } : result;
    }
    case 'detect': {
      const result = validate(DetectJobSchema, payload);
      return result.ok
        ? { ok: true, value: { eventType: 'detect', payload: result.value } }
        : result;
    }
  }
};

/** Image Intelligence: one webhook per `/detect`, `/match` or `/ask` job result. */
export const imageIntelligence: VendorDefinition<ImageIntelligenceEvent> = {
  vendor: 'image-intelligence',
  read: readImageIntelligenceDelivery,
  identify: identifyImageIntelligenceEvent,
  normalize: normalizeImageIntelligenceEvent,
  imagesExpected: imagesExpectedByImageIntelligenceEvent,
};
