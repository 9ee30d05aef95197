import type { BodyFormat } from './content-type';
import { utf8TextOf } from './raw-body';

/** The form field in which older form receivers get the JSON body. */
export const FORM_PAYLOAD_FIELD = 'p';

/** A parsed body, or the reason it is malformed (safe to return to the sender: no body text). */
export type ParsedBody =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly message: string };

const malformed = (message: string): ParsedBody => ({ ok: false, message });

/**
 * The JSON text of a form body: its one `p` field. A form without it, or with it twice, is
 * malformed (two copies would leave it open which one was authenticated and which one stored).
 */
export const formPayloadOf = (
  form: URLSearchParams,
):
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string } => {
  const fields = form.getAll(FORM_PAYLOAD_FIELD);
  const [text] = fields;
  if (text === undefined)
    return { ok: false, message: `form field "${FORM_PAYLOAD_FIELD}" is missing` };
  if (fields.length > 1) {
    return { ok: false, message: `form field "${FORM_PAYLOAD_FIELD}" appears more than once` };
  }
  return { ok: true, text };
};

const parseJsonText = (text: string, what: string): ParsedBody => {
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return malformed(`${what} is not valid JSON`);
  }
};

/** A `p` value that is still percent-encoded: its JSON object or array opens with `%7B` or `%5B`. */
const STILL_ENCODED = /^\s*%(7b|5b)/i;

/**
 * The JSON of a form's `p` field. Older form senders percent-encode the JSON once more than
 * the form needs (its own Lambda receiver decodes the field twice), so a value that is not JSON but
 * still percent-encoded is decoded once more before it is refused.
 */
const parseFormPayload = (text: string): ParsedBody => {
  const parsed = parseJsonText(text, `form field "${FORM_PAYLOAD_FIELD}"`);
  if (parsed.ok || !STILL_ENCODED.test(text)) return parsed;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return parsed;
  }
  const again = parseJsonText(decoded, `form field "${FORM_PAYLOAD_FIELD}"`);
  return again.ok ? again : parsed;
};

/**
 * Turns body bytes into a JSON value. JSON bodies are parsed directly; form bodies must carry
 * exactly one field `p` holding the JSON (percent-encoded once or twice). Any JSON value comes
 * back, objects or not: whether it has the right shape is the vendor schema's question (400
 * invalid_payload), not the parser's.
 */
export const parseBody = (bytes: Buffer, format: BodyFormat): ParsedBody => {
  const text = utf8TextOf(bytes);
  if (text === undefined) return malformed('body is not valid UTF-8');
  if (format === 'json') return parseJsonText(text, 'body');
  const field = formPayloadOf(new URLSearchParams(text));
  if (!field.ok) return field;
  return parseFormPayload(field.text);
};
