import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as v from 'valibot';
import { isRetryable, ServiceError } from '../errors/service-error';
import { jsonResponse } from '../http/json-response';
import { matchRoute, routeKeyOf } from '../http/routes';
import type { ServiceLog } from '../observability/service-log';
import { COLLECTION_KINDS, type ImageRecord, ImageRecordSchema } from '../record/image-record';
import { provenanceOf } from '../record/record-provenance';
import { isAnnounced, toImageRecord } from '../record/record-state';
import { decodeCursor, encodeCursor } from '../store/collection-cursor';
import type { CollectionPosition, ImageRecordStore } from '../store/image-record-store';
import type { StoredRecord } from '../store/record-item';
import { validate, type ValidationIssue } from '../validation/validation-issue';
import { MAX_ID_LENGTH } from '../vendors/common-schemas';
import { type Vendor, VENDORS } from '../vendors/vendor';
import type { CursorKeyProvider } from './cursor-key-provider';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './page-limit';

/**
 * The read API: a GET turned into a typed request or a refusal (`parseReadRequest`,
 * `positionOf`), and the answer to it from the records table (`createReadHandler`). The parsing
 * and the answering belong together because every refusal the parser makes is a response the
 * handler sends, and the routes, parameters and status codes of the read contract read in one file
 * from request to response.
 */

/** A valid read request. */
export type ReadRequest =
  | {
      readonly kind: 'get';
      readonly vendor: Vendor;
      readonly imageId: string;
      /** `?explain=true`: answer `{record, provenance}` instead of the bare record. */
      readonly explain: boolean;
    }
  | {
      readonly kind: 'list';
      readonly vendor: Vendor;
      readonly collectionId: string;
      readonly limit: number;
      /** The raw `next` token; verified with the cursor key by `positionOf`. */
      readonly next?: string;
    };

/** A request the read API refuses before touching the table. */
export type RefusedRequest =
  | { readonly kind: 'no_route' }
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[] };

/** The outcome of parsing: a request to answer, or a refusal to send back. */
export type ParsedReadRequest =
  | { readonly ok: true; readonly request: ReadRequest }
  | { readonly ok: false; readonly refusal: RefusedRequest };

const GET_IMAGE_ROUTE = 'GET /images/{vendor}/{imageId}';
const LIST_ROUTE = 'GET /images';

const VendorSchema = v.picklist(VENDORS, `must be one of ${VENDORS.join(', ')}`);
const IdSchema = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
);

const GetImageParamsSchema = v.object({ vendor: VendorSchema, imageId: IdSchema });

/**
 * `explain` is a flag, so only `true` and `false` mean anything; any other value is refused
 * rather than read as one of them. Other query parameters are ignored, as before.
 */
const GetImageQuerySchema = v.object({
  explain: v.optional(
    v.pipe(
      v.picklist(['true', 'false'], 'must be true or false'),
      v.transform((flag) => flag === 'true'),
    ),
    'false',
  ),
});

const KIND_PREFIX = new RegExp(`^(?:${COLLECTION_KINDS.join('|')}):(.+)$`);

/**
 * A collection id, without the kind a record shows beside it (`sku`, `album`, `job`). Records
 * carry `{"kind":"sku","id":"523a07fa"}`, and `sku:523a07fa` is how people write that down; as
 * a query it would match nothing and answer an empty page that looks like "no records". It is
 * refused instead, with the value to send.
 */
const CollectionIdSchema = v.pipe(
  IdSchema,
  v.check(
    (id) => !KIND_PREFIX.test(id),
    (issue) => {
      const id = typeof issue.input === 'string' ? issue.input : '';
      return `is the collection id without its kind: send "${KIND_PREFIX.exec(id)?.[1] ?? id}", not "${id}"`;
    },
  ),
);

const LIMIT_MESSAGE = `must be an integer from 1 to ${MAX_PAGE_LIMIT}`;
const ListParamsSchema = v.object({
  vendor: VendorSchema,
  collection: CollectionIdSchema,
  /** Absent: `DEFAULT_PAGE_LIMIT`. */
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, LIMIT_MESSAGE),
      v.transform(Number),
      v.minValue(1, LIMIT_MESSAGE),
      v.maxValue(MAX_PAGE_LIMIT, LIMIT_MESSAGE),
    ),
    String(DEFAULT_PAGE_LIMIT),
  ),
  next: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
});

const CURSOR_MESSAGES = {
  malformed: 'is not a token this API issued',
  tampered: 'is not a token this API issued',
  other_collection: 'belongs to another vendor or collection',
} as const;

/**
 * The route of a request. API Gateway's HTTP API names it in `routeKey` and hands over
 * `pathParameters` already URL-decoded (the local gateway does the same). Where the route key is
 * `$default`, the route is matched from `rawPath` with the shared route table, which decodes.
 */
const routeOf = (
  event: APIGatewayProxyEventV2,
): { routeKey: string; pathParameters: Readonly<Record<string, string | undefined>> } => {
  if (event.routeKey !== '$default') {
    return { routeKey: event.routeKey, pathParameters: event.pathParameters ?? {} };
  }
  const matched = matchRoute(event.requestContext.http.method, event.rawPath);
  return matched
    ? {
        routeKey: routeKeyOf(matched.route),
        pathParameters: matched.pathParameters,
      }
    : { routeKey: '$default', pathParameters: {} };
};

/**
 * Turns an API Gateway event into a typed read request, or the reason to refuse it. Every
 * parameter goes through valibot, and each issue names the failing parameter as its path. Pure:
 * the `next` token is checked for shape here and verified by `positionOf`, which needs the key.
 */
export const parseReadRequest = (event: APIGatewayProxyEventV2): ParsedReadRequest => {
  const { routeKey, pathParameters } = routeOf(event);
  if (routeKey === GET_IMAGE_ROUTE) {
    const params = validate(GetImageParamsSchema, pathParameters);
    if (!params.ok) return { ok: false, refusal: { kind: 'invalid', issues: params.issues } };
    const query = validate(GetImageQuerySchema, event.queryStringParameters ?? {});
    if (!query.ok) return { ok: false, refusal: { kind: 'invalid', issues: query.issues } };
    return { ok: true, request: { kind: 'get', ...params.value, explain: query.value.explain } };
  }
  if (routeKey !== LIST_ROUTE) return { ok: false, refusal: { kind: 'no_route' } };
  const params = validate(ListParamsSchema, event.queryStringParameters ?? {});
  if (!params.ok) return { ok: false, refusal: { kind: 'invalid', issues: params.issues } };
  const { vendor, collection, limit, next } = params.value;
  return {
    ok: true,
    request: { kind: 'list', vendor, collectionId: collection, limit, ...(next ? { next } : {}) },
  };
};

/** Where a list request resumes: after the position its `next` token names, or from the start. */
export const positionOf = (
  request: Extract<ReadRequest, { kind: 'list' }>,
  cursorKey: string,
):
  | { readonly ok: true; readonly after?: CollectionPosition }
  | { readonly ok: false; readonly refusal: RefusedRequest } => {
  if (request.next === undefined) return { ok: true };
  const scope = { vendor: request.vendor, collectionId: request.collectionId };
  const cursor = decodeCursor(request.next, scope, cursorKey);
  return cursor.ok
    ? { ok: true, after: cursor.position }
    : {
        ok: false,
        refusal: {
          kind: 'invalid',
          issues: [{ path: 'next', message: CURSOR_MESSAGES[cursor.reason] }],
        },
      };
};

/** The log calls the read API makes: the service-wide port's. */
export type ReadLog = Pick<ServiceLog, 'error' | 'appendKeys'>;

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
  context?: Context,
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
 * that cannot be fetched, is a 503. The Lambda context, when given, names the invocation on the
 * log lines that follow, as ingest's handler does.
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

  return async (event, context) => {
    if (context !== undefined) {
      deps.log.appendKeys?.({ function_request_id: context.awsRequestId });
    }
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
