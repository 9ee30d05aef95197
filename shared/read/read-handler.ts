import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jsonResponse } from '../http/json-response';
import { type ImageRecord, ImageRecordSchema } from '../record/image-record';
import { provenanceOf } from '../record/record-provenance';
import { isAnnounced, toImageRecord } from '../record/record-state';
import { encodeCursor } from '../store/collection-cursor';
import type { ImageRecordStore } from '../store/image-record-store';
import type { StoredRecord } from '../store/record-item';
import { validate } from '../validation/validation-issue';
import type { CursorKeyProvider } from './cursor-key-provider';
import {
  parseReadRequest,
  positionOf,
  type ReadRequest,
  type RefusedRequest,
} from './read-request';
import { isRetryable, ServiceError } from '../errors/service-error';
import type { ServiceLog } from '../observability/service-log';

/** The log calls the read API makes: the service-wide port's. */
export type ReadLog = Pick<ServiceLog, 'error'>;

/** The read API's store, cursor key and log, injected so tests use DynamoDB Local. */
export interface ReadHandlerDeps {
  readonly store: ImageRecordStore;
  /** Asked only by collection requests, which verify and mint `next` tokens. */
  readonly cursorKey: CursorKeyProvider;
  readonly log: ReadLog;
}

/** The read Lambda's signature (HTTP API, payload 2.0). */
export type ReadHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Seconds a client should wait after a 503 before asking again. */
const RETRY_AFTER_SECONDS = '1';

/** A stored record failed the output contract: a bug or drift, reported by key, never served. */
class RecordContractError extends ServiceError {
  readonly retryable = false;

  constructor(
    readonly recordKey: string,
    readonly issuePaths: readonly string[],
  ) {
    super(`stored record ${recordKey} fails the record schema at ${issuePaths.join(', ')}`);
    this.name = 'RecordContractError';
  }
}

/** The public record of a stored one, validated against the output contract first. */
const publicRecord = (stored: StoredRecord): ImageRecord => {
  const checked = validate(ImageRecordSchema, toImageRecord(stored.state, stored.updatedAt));
  if (!checked.ok) {
    throw new RecordContractError(
      `${stored.state.vendor}#${stored.state.imageId}`,
      checked.issues.map((issue) => issue.path),
    );
  }
  return checked.value;
};

const refusalResponse = (refusal: RefusedRequest): APIGatewayProxyStructuredResultV2 =>
  refusal.kind === 'no_route'
    ? jsonResponse(404, { error: 'not_found', message: 'no such route' })
    : jsonResponse(400, {
        error: 'invalid_request',
        message: `invalid ${refusal.issues.map((issue) => issue.path).join(', ')}`,
        issues: refusal.issues,
      });

/**
 * The read Lambda's logic: `GET /images/{vendor}/{imageId}` and
 * `GET /images?vendor=&collection=[&limit=&next=]`. `?explain=true` on a single record adds its
 * provenance from the same item (the same one GetItem, so the same read units). Bad parameters are a 400 naming them; every
 * record is checked against `ImageRecordSchema` before it is served, and one that fails is a 500
 * with no detail in the body (the key and paths go to the log); DynamoDB trouble, or a cursor key
 * that cannot be fetched, is a 503.
 */
export const createReadHandler = (deps: ReadHandlerDeps): ReadHandler => {
  const answer = async (request: ReadRequest): Promise<APIGatewayProxyStructuredResultV2> => {
    if (request.kind === 'get') {
      const stored = await deps.store.get(request.vendor, request.imageId);
      if (stored !== undefined && !isAnnounced(stored.state)) {
        return jsonResponse(404, {
          error: 'not_found',
          message: `no ${request.vendor} image with id ${request.imageId} yet: only a prediction names it, and no event has said that it exists`,
        });
      }
      return stored === undefined
        ? jsonResponse(404, {
            error: 'not_found',
            message: `no ${request.vendor} image with id ${request.imageId}`,
          })
        : jsonResponse(
            200,
            request.explain
              ? { record: publicRecord(stored), provenance: provenanceOf(stored.state) }
              : publicRecord(stored),
          );
    }
    const cursorKey = await deps.cursorKey();
    const position = positionOf(request, cursorKey);
    if (!position.ok) return refusalResponse(position.refusal);
    const page = await deps.store.listCollection({
      vendor: request.vendor,
      collectionId: request.collectionId,
      limit: request.limit,
      ...(position.after ? { after: position.after } : {}),
    });
    const scope = { vendor: request.vendor, collectionId: request.collectionId };
    return jsonResponse(200, {
      items: page.records.filter((stored) => isAnnounced(stored.state)).map(publicRecord),
      ...(page.next ? { next: encodeCursor(page.next, scope, cursorKey) } : {}),
    });
  };

  return async (event) => {
    const parsed = parseReadRequest(event);
    if (!parsed.ok) return refusalResponse(parsed.refusal);
    try {
      return await answer(parsed.request);
    } catch (error) {
      deps.log.error('Read request failed', {
        requestId: event.requestContext.requestId,
        routeKey: event.routeKey,
        error,
      });
      // A store or secrets call that failed may pass on retry: 503; anything else is ours: 500.
      return isRetryable(error)
        ? jsonResponse(
            503,
            { error: 'temporarily_unavailable' },
            { 'retry-after': RETRY_AFTER_SECONDS },
          )
        : jsonResponse(500, { error: 'internal_error' });
    }
  };
};
