import { isJsonObject } from '../json/json-value';
import {
  holdsEmail,
  isPrivateKey,
  mentionsCredential,
  withoutPersonalData,
} from '../privacy/personal-data';
import { type BodyFormat, FORM_PAYLOAD_FIELD, formPayloadOf, utf8TextOf } from './ingest-request';

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
 * A JSON text under the personal-data rule (`withoutPersonalData`), without the route's redacted
 * top-level keys too. When nothing had to go, the text is kept exactly as sent, so it can be
 * replayed byte for byte. `undefined` when the text is not JSON or cannot be re-serialized
 * (JSON.parse accepts nesting that JSON.stringify overflows on).
 */
const redactJsonText = (text: string, keys: ReadonlySet<string>): string | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    const routeKept = isJsonObject(value)
      ? Object.fromEntries(Object.entries(value).filter(([key]) => !keys.has(key)))
      : value;
    const redacted = JSON.stringify(withoutPersonalData(routeKept));
    return redacted === JSON.stringify(value) ? text : redacted;
  } catch {
    return undefined;
  }
};

/**
 * Rebuilds a form body: the `p` field redacted as JSON, every other field dropped when its name
 * is a credential's or a person's (`token=`) or its value holds an email address.
 */
const redactFormText = (text: string, keys: ReadonlySet<string>): string | undefined => {
  const form = new URLSearchParams(text);
  const field = formPayloadOf(form);
  if (!field.ok) return undefined;
  const redacted = redactJsonText(field.text, keys);
  if (redacted === undefined) return undefined;
  const kept = new URLSearchParams();
  for (const [name, value] of form) {
    if (name === FORM_PAYLOAD_FIELD) kept.append(name, redacted);
    else if (!isPrivateKey(name) && !holdsEmail(value)) kept.append(name, value);
  }
  return kept.toString();
};

/** Text that might carry what the rule removes, when it cannot be parsed to remove it. */
const mightBePrivate = (text: string): boolean => holdsEmail(text) || mentionsCredential(text);

/**
 * The body to keep in quarantine, under the personal-data rule for every vendor: no user data
 * and no credential at any depth (a nested `user.email`, a form's `token=`, a body JWT's
 * `signature`). A body the rule leaves alone is kept exactly as sent (UTF-8 text, or base64 for
 * non-UTF-8 bytes of vendors with nothing to redact), so an operator can replay it byte for byte.
 * A body that cannot be parsed is kept raw only when it shows no email address and names no
 * credential, and only for vendors whose bodies carry no credential; otherwise it is withheld.
 */
export const redactBodyForQuarantine = (
  bytes: Buffer,
  format: BodyFormat,
  redactedKeys: readonly string[],
): RedactedBody => {
  const text = utf8TextOf(bytes);
  if (text === undefined) {
    return redactedKeys.length === 0
      ? { kept: true, body: { encoding: 'base64', data: bytes.toString('base64') } }
      : withheld;
  }
  const keys = new Set(redactedKeys);
  const redacted = format === 'json' ? redactJsonText(text, keys) : redactFormText(text, keys);
  if (redacted !== undefined) return keptText(redacted);
  return redactedKeys.length === 0 && !mightBePrivate(text) ? keptText(text) : withheld;
};
