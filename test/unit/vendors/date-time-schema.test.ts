import * as v from 'valibot';
import { DateTimeSchema } from '../../../shared/vendors/common-schemas';
import { sharinpix } from '../../../shared/vendors/sharinpix/definition';
import { loadBody } from '../../support/vendor-bodies';

describe('DateTimeSchema', () => {
  it.each([
    '2026-11-23T10:00:00Z',
    '2026-11-23T10:00:00.123+05:30',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
  ])('accepts %s', (value) => {
    expect(v.is(DateTimeSchema, value)).toBe(true);
  });

  it.each(['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', 'yesterday', ''])(
    'refuses %s, which no record timestamp could hold',
    (value) => {
      expect(v.is(DateTimeSchema, value)).toBe(false);
    },
  );

  it('accepts a SharinPix image dated beyond year 9999 without that date, naming the field', () => {
    // Prepare
    const body = loadBody('sharinpix', 'new_image');
    const payload = { ...(body as object), created_at: '+010000-01-01T00:00:00Z' };

    // Act
    const read = sharinpix.read({ payload, eventType: 'new_image' });

    // Assess
    if (!read.ok || read.value.unsupported) throw new Error('expected a supported event');
    expect(read.value.dropped?.map((field) => field.path)).toEqual(['created_at']);
    expect(read.value.payload).not.toHaveProperty('created_at');
  });
});
