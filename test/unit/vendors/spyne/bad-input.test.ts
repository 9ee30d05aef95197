import {
  MAX_ID_LENGTH,
  MAX_ITEMS,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
} from '../../../../shared/vendors/common-schemas';
import { spyne } from '../../../../shared/vendors/spyne/definition';
import { loadBody } from '../../../support/vendor-bodies';

type Body = Record<string, unknown>;

const bodyOf = (name: string): Body => loadBody('spyne', name) as Body;
const v2 = (): Body => bodyOf('v2-sample-a');
const v1 = (): Body => bodyOf('v1-sample');

/** The body with its first image changed. */
const withFirstImage = (base: Body, overrides: Body): Body => {
  const images = base.image_data as Body[];
  return { ...base, image_data: [{ ...images[0], ...overrides }, ...images.slice(1)] };
};
const withoutKey = (payload: Body, key: string): Body =>
  Object.fromEntries(Object.entries(payload).filter(([name]) => name !== key));

/** The paths of the optional fields a body is accepted without. */
const droppedPaths = (payload: unknown): string[] => {
  const result = spyne.read({ payload });
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues)}`);
  return (result.value.dropped ?? []).map((field) => field.path);
};

const issuePaths = (payload: unknown): string[] => {
  const result = spyne.read({ payload });
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues.map((issue) => issue.path);
};

describe('Spyne v2 schema refuses', () => {
  it.each([
    ['a missing project_id', withoutKey(v2(), 'project_id'), 'project_id'],
    ['a missing sku_id', withoutKey(v2(), 'sku_id'), 'sku_id'],
    ['a missing image_data', withoutKey(v2(), 'image_data'), 'image_data'],
    ['an empty image_data', { ...v2(), image_data: [] }, 'image_data'],
    ['image_data as an object', { ...v2(), image_data: { 0: {} } }, 'image_data'],
    ['a numeric sku_id', { ...v2(), sku_id: 523 }, 'sku_id'],
    ['an empty sku_id', { ...v2(), sku_id: '  ' }, 'sku_id'],
    ['an over-long sku_id', { ...v2(), sku_id: 's'.repeat(MAX_ID_LENGTH + 1) }, 'sku_id'],
    ['a control character in an id', { ...v2(), sku_id: 'sku\u0000id' }, 'sku_id'],
    ['a missing image_id', withFirstImage(v2(), { image_id: undefined }), 'image_data.0.image_id'],
    ['a null image_id', withFirstImage(v2(), { image_id: null }), 'image_data.0.image_id'],
    ['a boolean status', withFirstImage(v2(), { status: true }), 'image_data.0.status'],
    [
      'an over-long status',
      withFirstImage(v2(), { status: 'x'.repeat(MAX_TEXT_LENGTH + 1) }),
      'image_data.0.status',
    ],
  ])('%s', (_case, payload, path) => {
    // Act
    const paths = issuePaths(payload);

    // Assess
    expect(paths).toContain(path);
  });

  it('more images than the limit', () => {
    // Prepare
    const image = (v2().image_data as Body[])[0];
    const payload = { ...v2(), image_data: Array.from({ length: MAX_ITEMS + 1 }, () => image) };

    // Act
    const paths = issuePaths(payload);

    // Assess
    expect(paths).toEqual(['image_data']);
  });

  it('reports at most 10 issues for a body with many bad images', () => {
    // Prepare
    const payload = { ...v2(), image_data: Array.from({ length: 50 }, () => ({ image_id: 7 })) };

    // Act
    const paths = issuePaths(payload);

    // Assess
    expect(paths).toHaveLength(10);
  });
});

describe('Spyne accepts without the optional field that fails its format', () => {
  it.each([
    [
      'a non-URL input_image',
      withFirstImage(v2(), { input_image: 'not a url' }),
      'image_data.0.input_image',
    ],
    [
      'an ftp output_image',
      withFirstImage(v2(), { output_image: 'ftp://x/y.png' }),
      'image_data.0.output_image',
    ],
    [
      'an over-long URL',
      withFirstImage(v2(), { lowres_output: `https://x/${'a'.repeat(MAX_URL_LENGTH)}` }),
      'image_data.0.lowres_output',
    ],
    ['a non-integer frame_no', withFirstImage(v2(), { frame_no: '1.5' }), 'image_data.0.frame_no'],
    ['a word as frame_no', withFirstImage(v2(), { frame_no: 'first' }), 'image_data.0.frame_no'],
    ['an out-of-range frame_no', withFirstImage(v2(), { frame_no: 1e15 }), 'image_data.0.frame_no'],
    [
      'an array as image_meta_data',
      withFirstImage(v2(), { image_meta_data: ['a'] }),
      'image_data.0.image_meta_data',
    ],
    ['a string as sku_meta_data', { ...v2(), sku_meta_data: 'x' }, 'sku_meta_data'],
    [
      'a non-URL hres URL',
      withFirstImage(v1(), { input_image_hres_url: 'x' }),
      'image_data.0.input_image_hres_url',
    ],
    [
      'a non-date created_on',
      withFirstImage(v1(), { created_on: 'yesterday' }),
      'image_data.0.created_on',
    ],
    [
      'a fractional sequenceNumber',
      withFirstImage(v1(), { sequenceNumber: 1.5 }),
      'image_data.0.sequenceNumber',
    ],
  ])('%s', (_case, payload, path) => {
    // Act
    const paths = droppedPaths(payload);

    // Assess
    expect(paths).toEqual([path]);
  });

  it('a metadata blob nested 10,000 levels deep, without throwing', () => {
    // Prepare
    const deep = JSON.parse(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    const payload = withFirstImage(v2(), { image_meta_data: deep });

    // Act
    const paths = droppedPaths(payload);

    // Assess
    expect(paths).toEqual(['image_data.0.image_meta_data']);
  });
});

describe('Spyne v1 schema refuses', () => {
  it.each([
    ['a missing image_id', withFirstImage(v1(), { image_id: undefined }), 'image_data.0.image_id'],
    ['a missing sku_id', withoutKey(v1(), 'sku_id'), 'sku_id'],
  ])('%s', (_case, payload, path) => {
    // Act
    const paths = issuePaths(payload);

    // Assess
    expect(paths).toContain(path);
  });
});

describe('Spyne prototype keys', () => {
  it('drops __proto__ and constructor keys without polluting any prototype', () => {
    // Prepare
    const text = JSON.stringify(v2()).replace(
      '"image_meta_data":{}',
      '"image_meta_data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"kept":1}',
    );
    const payload = JSON.parse(`{"__proto__":{"polluted":true},${text.slice(1)}`);

    // Act
    const result = spyne.read({ payload });

    // Assess
    if (!result.ok || result.value.eventType !== 'sku.v2') throw new Error('expected a v2 event');
    const meta = result.value.payload.image_data[0]?.image_meta_data;
    expect(meta).toEqual({ kept: 1 });
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.hasOwn(result.value.payload, '__proto__')).toBe(false);
  });

  it('does not take a required id from a __proto__ key', () => {
    // Prepare
    const payload = JSON.parse(
      `{"__proto__":{"sku_id":"from-proto"},${JSON.stringify(withoutKey(v2(), 'sku_id')).slice(1)}`,
    );

    // Act
    const paths = issuePaths(payload);

    // Assess
    expect(paths).toEqual(['sku_id']);
  });
});
