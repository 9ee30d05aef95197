import * as v from 'valibot';

const ResponseBodySchema = v.object({
  status: v.optional(v.string()),
  eventId: v.optional(v.string()),
  error: v.optional(v.string()),
  message: v.optional(v.string()),
});

/**
 * One replay line: file, HTTP status, and the eventId (accepted/ignored) or the error the API
 * answered with, e.g. `events/bodies/spyne/v1-sample.json  200 accepted spyne:…`.
 */
export const deliveryLine = (label: string, statusCode: number, responseText: string): string => {
  let json: unknown;
  try {
    json = JSON.parse(responseText);
  } catch {
    return `${label}  ${statusCode} ${responseText.slice(0, 200)}`;
  }
  const parsed = v.safeParse(ResponseBodySchema, json);
  if (!parsed.success) return `${label}  ${statusCode} ${responseText.slice(0, 200)}`;
  const body = parsed.output;
  if (body.eventId !== undefined)
    return `${label}  ${statusCode} ${body.status ?? ''} ${body.eventId}`;
  return `${label}  ${statusCode} ${body.error ?? body.status ?? ''}${body.message ? `: ${body.message}` : ''}`;
};
