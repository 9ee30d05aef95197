import * as v from 'valibot';

const ResponseBodySchema = v.object({
  status: v.optional(v.string()),
  eventId: v.optional(v.string()),
  error: v.optional(v.string()),
  message: v.optional(v.string()),
});

/** What a webhook answered, as replay reads it: the status code and the contract's fields. */
export interface DeliveryResult {
  readonly statusCode: number;
  /** `accepted` or `ignored` on a 2xx. */
  readonly status?: string;
  readonly eventId?: string;
  /** The error code of a refusal (`invalid_payload`, `unauthorized`, …). */
  readonly error?: string;
  readonly message?: string;
  /** The body, cut, when it is not the contract's JSON (a proxy's error page, say). */
  readonly raw?: string;
}

/** Reads a webhook response; a body that is not the contract's JSON is kept, cut, as `raw`. */
export const deliveryResultOf = (statusCode: number, responseText: string): DeliveryResult => {
  let json: unknown;
  try {
    json = JSON.parse(responseText);
  } catch {
    return { statusCode, raw: responseText.slice(0, 200) };
  }
  const parsed = v.safeParse(ResponseBodySchema, json);
  return parsed.success
    ? { statusCode, ...parsed.output }
    : { statusCode, raw: responseText.slice(0, 200) };
};

/**
 * One replay line: file, HTTP status, and the eventId (accepted/ignored) or the error the API
 * answered with, e.g. `events/bodies/acme/sample.json  200 accepted acme:…`.
 */
export const deliveryLine = (label: string, result: DeliveryResult): string => {
  if (result.raw !== undefined) return `${label}  ${result.statusCode} ${result.raw}`;
  if (result.eventId !== undefined)
    return `${label}  ${result.statusCode} ${result.status ?? ''} ${result.eventId}`;
  return `${label}  ${result.statusCode} ${result.error ?? result.status ?? ''}${result.message ? `: ${result.message}` : ''}`;
};
