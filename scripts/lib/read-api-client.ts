import * as v from 'valibot';
import { type ImageRecord, ImageRecordSchema } from '../../shared/record/image-record';
import type { Vendor } from '../../shared/vendors/vendor';
import { readApiHeaders } from './signed-request';
import { ServiceError } from '../../shared/errors/service-error';

/** The read API answered something other than a page of records. */
export class ReadApiError extends ServiceError {
  /** A refused request (4xx but 429) stays refused; a failed or overloaded one may pass later. */
  get retryable(): boolean {
    return this.statusCode === undefined || this.statusCode === 429 || this.statusCode >= 500;
  }

  constructor(
    message: string,
    readonly url: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReadApiError';
  }
}

const PageSchema = v.object({
  items: v.array(ImageRecordSchema),
  next: v.optional(v.string()),
});

/**
 * Every record of one collection through `GET /images?vendor=&collection=`, following `next`
 * until the last page, in the API's order (sequence, then imageId).
 */
export const listCollection = async (
  baseUrl: string,
  vendor: Vendor,
  collectionId: string,
): Promise<ImageRecord[]> => {
  const records: ImageRecord[] = [];
  let next: string | undefined;
  do {
    const query = new URLSearchParams({ vendor, collection: collectionId, limit: '100' });
    if (next !== undefined) query.set('next', next);
    const url = `${baseUrl}/images?${query}`;
    let headers: Record<string, string>;
    try {
      headers = await readApiHeaders(new URL(url));
    } catch (error) {
      throw new ReadApiError(
        `cannot sign the request to ${baseUrl}: no usable AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`,
        url,
        undefined,
        { cause: error },
      );
    }
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new ReadApiError(
        `cannot reach the read API at ${baseUrl} (is the stack running?)`,
        url,
        undefined,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    if (response.status === 403) {
      throw new ReadApiError(
        `403 from ${baseUrl}: the deployed read API takes IAM-signed requests only; requests to its execute-api URL are signed with your AWS credentials (AWS_PROFILE or the environment), which need execute-api:Invoke on it`,
        url,
        403,
      );
    }
    if (!response.ok)
      throw new ReadApiError(`${response.status} ${text.slice(0, 200)}`, url, response.status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ReadApiError(
        'the read API answered with something that is not JSON',
        url,
        response.status,
        {
          cause: error,
        },
      );
    }
    const page = v.safeParse(PageSchema, json);
    if (!page.success) {
      throw new ReadApiError(
        'the read API answered with records that break the record schema',
        url,
        response.status,
      );
    }
    records.push(...page.output.items);
    next = page.output.next;
  } while (next !== undefined);
  return records;
};
