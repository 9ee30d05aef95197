import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { authenticateRawBodyDigest } from '../../../../shared/auth/authenticators';
import { cloudinaryAuth } from '../../../../shared/vendors/cloudinary/manifest';
import { cloudinarySignatureHeaders } from '../../../../shared/vendors/cloudinary/signature';
import { body, changesOf, identityOf, readOk, RECEIVED_AT } from './cloudinary-test-kit';

/**
 * Cloudinary bodies carry the API key that signed them (`api_key`, `signature_key`) and, in
 * `notification_context.triggered_by.id`, possibly an API key again. None may leave a trace in
 * the queued payload, the eventId or the record changes, and none may change the eventId: a retry
 * signed with a rotated key is the same event.
 */

const BODY_NAMES = readdirSync(
  join(__dirname, '..', '..', '..', '..', 'events', 'bodies', 'cloudinary'),
)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

/** Strings long and odd enough that finding one by chance elsewhere is impossible. */
const keyArb = fc
  .string({ minLength: 8, maxLength: 24, unit: 'grapheme-ascii' })
  .map((text) => `key:${text}`);

/** An API secret: letters and digits, as Cloudinary issues them (a comma would make it a list). */
const secretArb = fc.stringMatching(/^[A-Za-z0-9]{8,40}$/);

/** The body signed with other keys: the key fields replaced, the trigger time kept. */
const withKeys = (
  payload: Record<string, unknown>,
  keys: { apiKey: string; signatureKey: string; triggeredBy: string },
): Record<string, unknown> => {
  const context = payload.notification_context;
  const triggeredAt =
    typeof context === 'object' && context !== null && 'triggered_at' in context
      ? context.triggered_at
      : undefined;
  return {
    ...payload,
    api_key: keys.apiKey,
    signature_key: keys.signatureKey,
    notification_context: {
      ...(triggeredAt === undefined ? {} : { triggered_at: triggeredAt }),
      triggered_by: { source: 'api', id: keys.triggeredBy },
    },
  };
};

describe('Cloudinary API keys', () => {
  it('never reach the payload, eventId or changes, and never change the eventId (every body, 500 generated key sets)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BODY_NAMES),
        keyArb,
        keyArb,
        keyArb,
        (name, apiKey, signatureKey, triggeredBy) => {
          // Prepare
          const original = body(name);
          const rekeyed = withKeys(original, { apiKey, signatureKey, triggeredBy });

          // Act
          const event = readOk(rekeyed);
          const identity = identityOf(rekeyed);
          const { byId, byAlias } = changesOf(rekeyed);
          const traces = JSON.stringify([event, identity.eventId, byId, byAlias]);

          // Assess
          for (const key of [apiKey, signatureKey, triggeredBy]) {
            expect(traces.includes(key)).toBe(false);
          }
          expect(identity.eventId).toBe(
            identityOf(
              withKeys(original, {
                apiKey: 'other-api-key',
                signatureKey: 'other-signature-key',
                triggeredBy: 'other-trigger',
              }),
            ).eventId,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Cloudinary signatures', () => {
  it('verify over the exact bytes signed and fail for any other bytes (300 generated bodies)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 512 }),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        secretArb,
        (bytes, extra, secret) => {
          // Prepare
          const sent = Buffer.from(bytes);
          const other = Buffer.concat([sent, Buffer.from(extra)]);
          const headers: Record<string, string> = cloudinarySignatureHeaders(
            sent,
            RECEIVED_AT,
            secret,
          );
          const request = (payload: Buffer) => ({
            body: payload,
            header: (name: string) => headers[name.toLowerCase()],
            queryValues: () => [],
          });
          const scheme = {
            signatureHeader: cloudinaryAuth.signatureHeader,
            timestampHeader: cloudinaryAuth.timestampHeader,
            algorithms: cloudinaryAuth.algorithms,
            mode: cloudinaryAuth.mode,
            maxAgeSeconds: 7200,
            maxFutureSeconds: 300,
          };

          // Act
          const genuine = authenticateRawBodyDigest(scheme, request(sent), secret, RECEIVED_AT);
          const altered = authenticateRawBodyDigest(scheme, request(other), secret, RECEIVED_AT);

          // Assess
          expect(genuine).toEqual({ ok: true });
          expect(altered).toEqual({ ok: false, failure: 'credential_mismatch' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
