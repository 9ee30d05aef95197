import type { WithDroppedFields } from '../../validation/validation-issue';
import type { AskJob, DetectJob, MatchJob } from './schema';

/**
 * A validated Image Intelligence delivery: a `/detect`, `/match` or `/ask` job result, told apart
 * by shape. The kind is the event type, so the ledger and metrics can tell the three apart.
 */
export type ImageIntelligenceEvent = WithDroppedFields &
  (
    | { readonly eventType: 'detect'; readonly payload: DetectJob }
    | { readonly eventType: 'match'; readonly payload: MatchJob }
    | { readonly eventType: 'ask'; readonly payload: AskJob }
  );
