import { isJsonObject } from '../../json/json-value';
import { invalid, type Validated, validateEvent } from '../../validation/validation-issue';
import {
  collectionCompletedByImageIntelligenceEvent,
  identifyImageIntelligenceEvent,
  imagesExpectedByImageIntelligenceEvent,
  normalizeImageIntelligenceEvent,
} from './normalize';
import type { VendorDefinition, VendorDelivery } from '../vendor-definition';
import type { ImageIntelligenceEvent } from './event';
import { AskJobSchema, DetectJobSchema, imageIntelligenceKindOf, MatchJobSchema } from './schema';

const readImageIntelligenceDelivery = ({
  payload,
}: VendorDelivery): Validated<ImageIntelligenceEvent> => {
  if (!isJsonObject(payload))
    return invalid('', 'must be a JSON object (an Image Intelligence job result)');
  switch (imageIntelligenceKindOf(payload)) {
    case 'match':
      return validateEvent('match', MatchJobSchema, payload);
    case 'ask':
      return validateEvent('ask', AskJobSchema, payload);
    case 'detect':
      return validateEvent('detect', DetectJobSchema, payload);
  }
};

/** Image Intelligence: one webhook per `/detect`, `/match` or `/ask` job result. */
export const imageIntelligence: VendorDefinition<ImageIntelligenceEvent> = {
  vendor: 'image-intelligence',
  read: readImageIntelligenceDelivery,
  identify: identifyImageIntelligenceEvent,
  normalize: normalizeImageIntelligenceEvent,
  imagesExpected: imagesExpectedByImageIntelligenceEvent,
  /** The same image id comes back in later jobs, which become its collection. */
  collections: 'moves',
  collectionCompleted: collectionCompletedByImageIntelligenceEvent,
};
