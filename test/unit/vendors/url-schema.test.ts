import fc from 'fast-check';
import * as v from 'valibot';
import { MAX_URL_LENGTH, UrlSchema } from '../../../shared/vendors/common-schemas';

/** The rule `UrlSchema` states, written the plain way: trimmed, empty, or parsing to http(s). */
const referenceAccepts = (input: string): boolean => {
  const value = input.trim();
  if (value.length > MAX_URL_LENGTH) return false;
  if (value === '') return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

const urlish = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string(),
  fc
    .tuple(
      fc.constantFrom(
        'http://',
        'https://',
        'HTTPS://',
        'hTtP://',
        'ftp://',
        'https:',
        'https:/',
        ' https://',
        'https://\t',
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
    )
    .map(([scheme, rest]) => `${scheme}${rest}`),
  fc.constantFrom(
    'https://',
    'http://[::1]:80/x',
    'https://a..b/',
    'https://host:99999/',
    'https://exa mple.com',
    'https://ex%41mple.com/',
  ),
);

describe('UrlSchema', () => {
  it('accepts exactly what the WHATWG parser reads as an http(s) URL, or an empty string', () => {
    // Prepare
    const property = fc.property(urlish, (input) => {
      // Act
      const accepted = v.safeParse(UrlSchema, input).success;

      // Assess
      expect(accepted).toBe(referenceAccepts(input));
    });

    // Act and Assess
    fc.assert(property, { numRuns: 3000 });
  });

  it.each([
    ['https://cdn.sharinpix.com/albums/a/images/b/original.jpg', true],
    ['HTTP://EXAMPLE.COM/x.png', true],
    ['https://', false],
    ['https://host:99999/', false],
    ['ftp://example.com/x', false],
    ['  ', true],
  ])('reads %p as %p', (input, expected) => {
    // Act
    const accepted = v.safeParse(UrlSchema, input).success;

    // Assess
    expect(accepted).toBe(expected);
  });
});
