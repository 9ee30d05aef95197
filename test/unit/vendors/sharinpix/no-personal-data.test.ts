import fc from 'fast-check';
import { eventClock, toImageRecord } from '../../../../shared/record/record-state';
import { mergeAll } from '../../../support/merge-all';
import { sharinpix } from '../../../../shared/vendors/sharinpix/definition';
import { body, RECEIVED_AT } from './sharinpix-test-kit';

/**
 * SharinPix tag events carry a `user` object (name, email, Salesforce id). No generated user may
 * leave a trace in the queued payload, the eventId, the record changes or the assembled record.
 */

/** Strings long and odd enough that finding one by chance elsewhere is impossible. */
const markerArb = fc
  .string({ minLength: 6, maxLength: 24, unit: 'grapheme-ascii' })
  .map((text) => `pii:${text}`);
const userArb = fc.record(
  {
    public_id: markerArb,
    fullname: markerArb,
    email: markerArb.map((local) => `${local}@example.com`),
    username: markerArb,
    sfid: markerArb,
    phone: markerArb,
  },
  { requiredKeys: ['public_id', 'fullname', 'email', 'username', 'sfid'] },
);
const tagEventArb = fc.constantFrom(
  ['new_tag_image', 'new_tag_image'],
  ['new_tag_image', 'new_tag_image--second-tag'],
  ['delete_tag_image', 'delete_tag_image'],
  ['delete_tag_image', 'delete_tag_image--other'],
  ['new_publication', 'new_publication'],
);

describe('SharinPix personal data', () => {
  it('never reaches the payload, eventId, changes or record (1,000 generated users)', () => {
    fc.assert(
      fc.property(tagEventArb, userArb, ([eventType, name], user) => {
        // Prepare
        const delivery = { ...body(name), user };
        const secrets = Object.values(user);

        // Act
        const read = sharinpix.read({ payload: delivery, eventType });
        if (!read.ok) throw new Error(`unexpected issues: ${JSON.stringify(read.issues)}`);
        const identity = sharinpix.identify(read.value, RECEIVED_AT);
        const changes = sharinpix.normalize(
          read.value,
          eventClock(identity.eventTime, identity.eventId),
        );
        const state = mergeAll(changes);
        const traces = JSON.stringify([
          read.value,
          identity.eventId,
          changes,
          state ? toImageRecord(state, RECEIVED_AT.toISOString()) : null,
        ]);

        // Assess
        for (const secret of secrets) expect(traces.includes(secret)).toBe(false);
        expect(traces.includes('"user"')).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
