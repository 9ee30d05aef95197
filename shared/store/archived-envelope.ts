import { gunzipSync } from 'node:zlib';
import * as v from 'valibot';
import { type EventEnvelope, EventEnvelopeSchema } from '../queue/event-queue';

const ArchiveSchema = v.pipe(v.string(), v.parseJson(), EventEnvelopeSchema);

/**
 * The envelope a ledger entry archived (gzip-compressed JSON, as `complete` writes it), or
 * `undefined` when the bytes are not one: an archive is read back across versions, so it is
 * parsed, never cast.
 */
export const readArchivedEnvelope = (archive: Uint8Array): EventEnvelope | undefined => {
  let text: string;
  try {
    text = gunzipSync(archive).toString('utf8');
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(ArchiveSchema, text);
  return parsed.success ? parsed.output : undefined;
};
