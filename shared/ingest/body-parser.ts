import type { BodyFormat } from './content-type';
import { utf8TextOf } from './raw-body';

/** The form field in which SharinPix's older receivers get the JSON body. */
export const FORM_PAYLOAD_FIELD = 'p';

/** A parsed body, or the reason it is malformed (safe to return to the sender: no body text). */
export type ParsedBody =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly message: string };

const malformed = (message: string): ParsedBody => ({ ok: false, message });

const parseJsonText = (text: string, what: string): ParsedBody => {
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return malformed(`${what} is not valid JSON`);
  }
};

/**
 * Turns body bytes into a JSON value. JSON bodies are parsed directly; form bodies must carry
 * exactly one field `p` holding the JSON. Any JSON value comes back, objects or not: whether it
 * has the right shape is the vendor schema's question (400 invalid_payload), not the parser's.
 */
export const parseBody = (bytes: Buffer, format: BodyFormat): ParsedBody => {
  const text = utf8TextOf(bytes);
  if (text === undefined) return malformed('body is not valid UTF-8');
  if (format === 'json') return parseJsonText(text, 'body');
  const fields = new URLSearchParams(text).getAll(FORM_PAYLOAD_FIELD);
  if (fields.length === 0) return malformed(`form field "${FORM_PAYLOAD_FIELD}" is missing`);
  if (fields.length > 1)
    return malformed(`form field "${FORM_PAYLOAD_FIELD}" appears more than once`);
  return parseJsonText(fields[0] ?? '', `form field "${FORM_PAYLOAD_FIELD}"`);
};
