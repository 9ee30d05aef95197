import { isJsonObject } from '../json/json-value';
import { FORM_PAYLOAD_FIELD, formPayloadOf } from './body-parser';
import type { BodyFormat } from './content-type';
import { utf8TextOf } from './raw-body';

/** A body as kept for an operator: text when it is UTF-8, else base64. */
export interface StoredBody {
  readonly encoding: 'utf8' | 'base64';
  readonly data: string;
}

/** What quarantine keeps of a body: the (redacted) body, or a note saying why there is none. */
export type RedactedBody =
  | { readonly kept: true; readonly body: StoredBody }
  | { readonly kept: false; readonly note: string };

const WITHHELD_NOTE =
  'body withheld: it could not be parsed to remove credentials and personal data';

const withheld: RedactedBody = { kept: false, note: WITHHELD_NOTE };

const keptText = (data: string): RedactedBody => ({ kept: true, body: { encoding: 'utf8', data } });

/**
 * Removes the redacted top-level keys from a JSON text and re-serializes it. A non-object value
 * has no top-level keys, so its text is kept as sent. `undefined` when the text is not JSON or
 * cannot be re-serialized (JSON.parse accepts nesting that JSON.stringify overflows on).
 */
const redactJsonText = (text: string, keys: ReadonlySet<string>): string | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    if (!isJsonObject(value)) return text;
    const kept = Object.entries(value).filter(([key]) => !keys.has(key));
    return JSON.stringify(Object.fromEntries(kept));
  } catch {
    return undefined;
  }
};

/** Rebuilds a form body with its `p` field redacted; other fields are kept as sent. */
const redactFormText = (text: string, keys: ReadonlySet<string>): string | undefined => {
  const form = new URLSearchParams(text);
  const field = formPayloadOf(form);
  if (!field.ok) return undefined;
  const redacted = redactJsonText(field.text, keys);
  if (redacted === undefined) return undefined;
  form.set(FORM_PAYLOAD_FIELD, redacted);
  return form.toString();
};

/**
 * The body to keep in quarantine. Vendors with nothing to redact keep the exact bytes (UTF-8
 * text, or base64 when the bytes are not UTF-8), so an operator can replay them byte for byte.
 * Vendors whose bodies carry credentials or personal data (Spyne's `signature`, SharinPix's
 * `user` and `app_url`) keep a redacted re-serialization, and nothing at all when the body
 * cannot be parsed to redact it: storing it raw would store what must not be stored.
 */
export const redactBodyForQuarantine = (
  bytes: Buffer,
  format: BodyFormat,
  redactedKeys: readonly string[],
): RedactedBody => {
  const text = utf8TextOf(bytes);
  if (redactedKeys.length === 0) {
    return text === undefined
      ? { kept: true, body: { encoding: 'base64', data: bytes.toString('base64') } }
      : keptText(text);
  }
  if (text === undefined) return withheld;
  const keys = new Set(redactedKeys);
  const redacted = format === 'json' ? redactJsonText(text, keys) : redactFormText(text, keys);
  return redacted === undefined ? withheld : keptText(redacted);
};
