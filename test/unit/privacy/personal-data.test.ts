import fc from 'fast-check';
import { holdsEmail, withoutPersonalData } from '../../../shared/privacy/personal-data';
import { ingestHarness } from '../ingest/support/ingest-harness';
import { loadBody } from '../../support/vendor-bodies';
import { TEST_SECRETS } from '../ingest/support/test-secrets';

/**
 * The personal-data rule, tested with generated payloads: user objects, email addresses and
 * credentials planted at random depths of SharinPix bodies, delivered through the real ingest
 * route, must leave no trace on the queue or in quarantine.
 */

/** Strings odd enough that finding one by chance elsewhere is impossible. */
const markerArb = fc
  .string({
    minLength: 6,
    maxLength: 16,
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  })
  .map((text) => `pii${text}`);
const emailArb = fc
  .tuple(markerArb, fc.constantFrom('example.com', 'corp.io', 'mail.example.org'))
  .map(([local, domain]) => `${local}@${domain}`);
const userArb = fc.record({ fullname: markerArb, email: emailArb, sfid: markerArb });

/** What gets planted, and the strings that must never come out. */
type Plant = { key: string; value: unknown; secrets: string[] };
const plantArb: fc.Arbitrary<Plant> = fc.oneof(
  userArb.map((user) => ({ key: 'user', value: user, secrets: Object.values(user) })),
  emailArb.map((email) => ({ key: 'contact', value: email, secrets: [email] })),
  emailArb.map((email) => ({ key: 'note', value: `written by ${email} today`, secrets: [email] })),
  markerArb.map((token) => ({ key: 'token', value: token, secrets: [token] })),
  markerArb.map((secret) => ({ key: 'clientSecret', value: secret, secrets: [secret] })),
);

/** A JSON object nested `depth` levels deep with the plant at the bottom, next to innocent data. */
const nestedArb = (plant: Plant) =>
  fc
    .array(fc.constantFrom('publication', 'details', 'items', 'meta', 'extra'), {
      minLength: 0,
      maxLength: 8,
    })
    .map((path) => {
      let value: Record<string, unknown> = { [plant.key]: plant.value, kept: 'innocent' };
      for (const key of path.reverse()) value = { [key]: value, list: [1, 'two'] };
      return value;
    });

const sharinpixHeaders = (event: string, contentType = 'application/json') => ({
  'content-type': contentType,
  'x-sharinpix-event': event,
  'x-sharinpix-secret': TEST_SECRETS.SHARINPIX_SECRET,
});

const caseArb = plantArb.chain((plant) =>
  fc.record({
    plant: fc.constant(plant),
    nested: nestedArb(plant),
    where: fc.constantFrom('unsupported', 'metadatas', 'top-level', 'invalid'),
    form: fc.boolean(),
  }),
);

describe('the personal-data rule', () => {
  it('keeps innocent data and the retina file names that look like addresses', () => {
    // Act
    const kept = withoutPersonalData({
      filename: 'photo@2x.png',
      url: 'https://cdn.example.com/@2x/a.png',
      nested: { owner: { user: { email: 'a@b.com' } }, sizes: ['x@example.com', 3] },
    });

    // Assess
    expect(kept).toEqual({
      filename: 'photo@2x.png',
      url: 'https://cdn.example.com/@2x/a.png',
      nested: { owner: {}, sizes: [3] },
    });
    expect(holdsEmail('jane.doe@example.com')).toBe(true);
  });

  it('lets no planted user, email or credential reach the queue or quarantine (300 generated SharinPix bodies)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ plant, nested, where, form }) => {
        // Prepare
        const { deliver, eventQueue, quarantineQueue } = ingestHarness('sharinpix');
        const image = loadBody('sharinpix', 'new_image') as Record<string, unknown>;
        const [event, payload] =
          where === 'unsupported'
            ? ['new_publication', { id: 'pub-1', publication: nested }]
            : where === 'metadatas'
              ? ['new_image', { ...image, metadatas: nested }]
              : where === 'top-level'
                ? ['new_image', { ...image, ...nested }]
                : ['new_image', { ...image, id: '', public_id: '', metadatas: nested }];
        const body = form
          ? `${new URLSearchParams({ p: JSON.stringify(payload) }).toString()}&${plant.key}=${encodeURIComponent(JSON.stringify(plant.value))}`
          : JSON.stringify(payload);

        // Act
        const answer = await deliver({
          body,
          headers: sharinpixHeaders(
            event,
            form ? 'application/x-www-form-urlencoded' : 'application/json',
          ),
        });

        // Assess
        expect(answer.status).toBe(where === 'invalid' ? 400 : 200);
        const stored = JSON.stringify([
          eventQueue.messages.map((message) => message.body),
          quarantineQueue.messages.map((message) => message.body),
        ]);
        for (const secret of plant.secrets) {
          expect(stored).not.toContain(secret);
          expect(stored).not.toContain(encodeURIComponent(secret));
        }
        // Free-form data is kept (unknown top-level fields are not part of a supported event).
        if (where !== 'top-level') expect(stored).toContain('innocent');
      }),
      { numRuns: 300 },
    );
  });
});
