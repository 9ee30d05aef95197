import { parseBody } from '../../../shared/ingest/ingest-request';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseBody', () => {
  it.each([
    ['an object', '{"id":"a"}', { id: 'a' }],
    ['an array', '[1,2]', [1, 2]],
    ['a string', '"done"', 'done'],
    ['null', 'null', null],
    ['surrounding whitespace', '  {"id":"a"}\n', { id: 'a' }],
  ])('parses JSON holding %s', (_label, text, expected) => {
    // Prepare
    const body = bytes(text);

    // Act
    const parsed = parseBody(body, 'json');

    // Assess
    expect(parsed).toEqual({ ok: true, payload: expected });
  });

  it.each([
    ['an empty body', '', 'body is not valid JSON'],
    ['a truncated object', '{"id":', 'body is not valid JSON'],
    ['a form body', 'p=%7B%7D', 'body is not valid JSON'],
  ])('refuses %s as JSON', (_label, text, message) => {
    // Prepare
    const body = bytes(text);

    // Act
    const parsed = parseBody(body, 'json');

    // Assess
    expect(parsed).toEqual({ ok: false, message });
  });

  it('refuses bytes that are not UTF-8, whatever the format', () => {
    // Prepare
    const body = Buffer.from([0x7b, 0x7d, 0xc3]);

    // Act
    const results = [parseBody(body, 'json'), parseBody(body, 'form')];

    // Assess
    expect(results).toEqual([
      { ok: false, message: 'body is not valid UTF-8' },
      { ok: false, message: 'body is not valid UTF-8' },
    ]);
  });

  it('parses the JSON in form field p, decoding + and percent escapes', () => {
    // Prepare
    const body = bytes(`p=${encodeURIComponent('{"filename":"North Building é"}')}&other=1`);

    // Act
    const parsed = parseBody(body, 'form');

    // Assess
    expect(parsed).toEqual({ ok: true, payload: { filename: 'North Building é' } });
  });

  it('parses a p percent-encoded twice, as older SharinPix senders send it', () => {
    // Prepare
    const json = '{"public_id":"img-1","infos":{"secure_url":"https://x.example/a%20b.jpg"}}';
    const body = bytes(`p=${encodeURIComponent(encodeURIComponent(json))}`);

    // Act
    const parsed = parseBody(body, 'form');

    // Assess
    expect(parsed).toEqual({ ok: true, payload: JSON.parse(json) });
  });

  it.each([
    [
      'p encoded twice but not JSON',
      `p=${encodeURIComponent('%7Bnope')}`,
      'form field "p" is not valid JSON',
    ],
    ['p encoded twice with a broken escape', 'p=%257B%25ZZ', 'form field "p" is not valid JSON'],
    ['no p', 'q=1', 'form field "p" is missing'],
    ['an empty body', '', 'form field "p" is missing'],
    ['p twice', 'p=%7B%7D&p=%7B%7D', 'form field "p" appears more than once'],
    ['p not JSON', 'p=hello', 'form field "p" is not valid JSON'],
    ['p empty', 'p=', 'form field "p" is not valid JSON'],
  ])('refuses a form with %s', (_label, text, message) => {
    // Prepare
    const body = bytes(text);

    // Act
    const parsed = parseBody(body, 'form');

    // Assess
    expect(parsed).toEqual({ ok: false, message });
  });
});
