import * as v from 'valibot';

/** The HTTP response the gateway writes: status, headers, `Set-Cookie` lines and raw bytes. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const StructuredResultSchema = v.object({
  statusCode: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
  headers: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  cookies: v.optional(v.array(v.string())),
  body: v.optional(v.string()),
  isBase64Encoded: v.optional(v.boolean()),
});

const JSON_TYPE = 'application/json';

/** A JSON response of the gateway's own (404, 413, 503, 504 …), in the API's error style. */
export const gatewayJson = (
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): GatewayResponse => ({
  statusCode,
  headers: { 'content-type': JSON_TYPE, ...headers },
  cookies: [],
  body: Buffer.from(JSON.stringify(body), 'utf8'),
});

/**
 * Maps what a handler returned to the HTTP response, with HTTP API payload 2.0 rules:
 * - an object with `statusCode` is a structured result: its headers, `cookies` as `Set-Cookie`
 *   lines, and its body, base64-decoded when `isBase64Encoded`;
 * - anything else is a 200 JSON response whose body is the value (a string as is, other values
 *   as JSON);
 * - a structured result that breaks the format (e.g. `statusCode: "200"`) is a 500, as API
 *   Gateway answers a malformed Lambda response.
 */
export const toGatewayResponse = (value: unknown): GatewayResponse => {
  const isStructured = typeof value === 'object' && value !== null && 'statusCode' in value;
  if (!isStructured) {
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    return {
      statusCode: 200,
      headers: { 'content-type': JSON_TYPE },
      cookies: [],
      body: Buffer.from(text, 'utf8'),
    };
  }
  const parsed = v.safeParse(StructuredResultSchema, value);
  if (!parsed.success) return gatewayJson(500, { error: 'internal_server_error' });
  const result = parsed.output;
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(result.headers ?? {})) {
    headers[name.toLowerCase()] = String(headerValue);
  }
  const text = result.body ?? '';
  return {
    statusCode: result.statusCode,
    headers,
    cookies: result.cookies ?? [],
    body: result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
};
