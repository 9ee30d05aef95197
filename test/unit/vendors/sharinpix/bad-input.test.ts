import { MAX_ID_LENGTH, MAX_TEXT_LENGTH } from '../../../../shared/vendors/common-schemas';
import { SHARINPIX_EVENT_TYPES } from '../../../../shared/vendors/sharinpix/schema';
import {
  body,
  child,
  isRecord,
  pathsOf,
  readDropped,
  readIssues,
  readOk,
} from './sharinpix-test-kit';

/** A JSON text nested `levels` deep, as `JSON.parse` accepts it. */
const deeplyNested = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

const tooLongText = 'x'.repeat(MAX_TEXT_LENGTH + 1);
const tooLongId = 'i'.repeat(MAX_ID_LENGTH + 1);
const ids = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => `img-${index}`);

const image = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  ...body('image_processed'),
  ...overrides,
});
const tagEvent = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  ...body('new_tag_image'),
  ...overrides,
});
const taggedImage = (overrides: Record<string, unknown>): Record<string, unknown> => {
  const original = body('new_tag_image');
  return { ...original, image: { ...child(original, 'image'), ...overrides } };
};
const tag = (overrides: Record<string, unknown>): Record<string, unknown> => {
  const original = body('new_tag_image');
  return { ...original, tag: { ...child(original, 'tag'), ...overrides } };
};
const upload = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  ...body('upload_done--web'),
  ...overrides,
});
const prediction = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  ...body('new_einstein_prediction'),
  ...overrides,
});
const withoutKey = (payload: Record<string, unknown>, key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(payload).filter(([name]) => name !== key));

describe('SharinPix X-Sharinpix-Event header', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['starting with a digit', '1st_image'],
    ['with punctuation', 'new_image!'],
    ['with a dot', 'image.created'],
    ['non-ASCII', 'nouvelle_imagé'],
    ['over 64 characters', `a${'b'.repeat(64)}`],
    ['a huge value', 'x'.repeat(100_000)],
  ])('is refused when %s', (_case, header) => {
    // Prepare
    const payload = body('new_image');

    // Act
    const issues = readIssues(payload, header);

    // Assess
    expect(pathsOf(issues)).toEqual(['headers.x-sharinpix-event']);
  });
});

describe('SharinPix bodies that are not JSON objects', () => {
  const types = [...SHARINPIX_EVENT_TYPES, 'new_publication'];
  const bodies: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'new image'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [body('new_image')]],
    ['undefined', undefined],
  ];

  it.each(
    types.flatMap((type) => bodies.map(([label, payload]) => [type, label, payload] as const)),
  )('%s refuses %s at the root', (type, _label, payload) => {
    // Act
    const issues = readIssues(payload, type);

    // Assess
    expect(pathsOf(issues)).toEqual(['']);
  });
});

describe('SharinPix image shape: invalid values', () => {
  it.each([
    ['no id at all', withoutKey(withoutKey(body('new_image'), 'id'), 'public_id'), 'public_id'],
    ['an empty public_id and no id', image({ id: null, public_id: '  ' }), 'public_id'],
    ['a numeric id', image({ id: 42, public_id: null }), 'id'],
    ['an over-long public_id', image({ public_id: tooLongId }), 'public_id'],
    ['a control character in the id', image({ public_id: 'abc\u0000def' }), 'public_id'],
    ['an empty album_id', image({ album_id: '' }), 'album_id'],
    ['processed as "yes"', image({ processed: 'yes' }), 'processed'],
    ['processed as 1', image({ processed: 1 }), 'processed'],
    ['an over-long filename', image({ filename: tooLongText }), 'filename'],
    ['an over-long format', image({ format: tooLongText }), 'format'],
    ['a page as an object', image({ page: { n: 1 } }), 'page'],
    ['a group_id as a list', image({ group_id: ['g'] }), 'group_id'],
    ['an over-long processing_error', image({ processing_error: tooLongText }), 'processing_error'],
  ])('reports %s at its path', (_case, payload, path) => {
    // Act
    const issues = readIssues(payload, 'image_processed');

    // Assess
    expect(pathsOf(issues)).toContain(path);
  });

  it('reports every field it refuses for, never one it would only drop', () => {
    // Prepare
    const payload = image({
      public_id: '',
      id: 42,
      album_id: '',
      filename: tooLongText,
      format: tooLongText,
      page: { n: 1 },
      group_id: ['g'],
      processed: 'maybe',
      processing_error: tooLongText,
      width: -1,
      original_url: 'nope',
    });

    // Act
    const issues = readIssues(payload, 'image_processed');

    // Assess
    expect(pathsOf(issues)).toEqual(
      expect.arrayContaining(['id', 'album_id', 'filename', 'format', 'processed']),
    );
    expect(pathsOf(issues)).not.toContain('width');
    expect(pathsOf(issues)).not.toContain('original_url');
    expect(issues.length).toBeLessThanOrEqual(10);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it('drops a metadatas blob nested 10,000 levels deep without throwing, and keeps the image', () => {
    // Prepare
    const payload = JSON.parse(`{"public_id":"img-deep","metadatas":${deeplyNested(10_000)}}`);

    // Act
    const read = readDropped(payload, 'new_image');

    // Assess
    expect(read.dropped).toEqual(['metadatas']);
    expect(read.payload).toEqual({ public_id: 'img-deep' });
  });

  it('rejects a processing_error nested 10,000 levels deep without throwing', () => {
    // Prepare
    const payload = JSON.parse(
      `{"public_id":"img-deep","processing_error":${deeplyNested(10_000)}}`,
    );

    // Act
    const issues = readIssues(payload, 'new_image');

    // Assess
    expect(pathsOf(issues)).toEqual(['processing_error']);
  });

  it('drops a deeply nested unknown field instead of walking it', () => {
    // Prepare
    const payload = JSON.parse(`{"public_id":"img-deep","extra":${deeplyNested(10_000)}}`);

    // Act
    const event = readOk(payload, 'new_image');

    // Assess
    expect(event.payload).toEqual({ public_id: 'img-deep' });
  });
});

describe('SharinPix image shape: optional values that fail their format are dropped', () => {
  it.each([
    ['a width that is not a number', image({ width: 'wide' }), 'width'],
    ['a negative size', image({ size: -1 }), 'size'],
    ['a negative height as a string', image({ height: '-5' }), 'height'],
    ['a rotation past 360', image({ rotation: 720 }), 'rotation'],
    ['a latitude past 90', image({ gps: [91, 57.4] }), 'gps'],
    ['a longitude past 180', image({ gps: [-20.3, 181] }), 'gps'],
    ['a one-item gps', image({ gps: [-20.3] }), 'gps'],
    ['a three-item gps', image({ gps: [-20.3, 57.4, 12] }), 'gps'],
    ['gps as strings', image({ gps: ['-20.3', '57.4'] }), 'gps'],
    ['gps as an object', image({ gps: { lat: 1, lng: 2 } }), 'gps'],
    [
      'a non-http original_url',
      image({ original_url: 'ftp://files.example.com/a.jpg' }),
      'original_url',
    ],
    ['a relative original_url', image({ original_url: '/images/a.jpg' }), 'original_url'],
    [
      'a javascript: thumbnail',
      image({ thumbnails: { mini: 'javascript:alert(1)' } }),
      'thumbnails.mini',
    ],
    [
      'thumbnails as a string',
      image({ thumbnails: 'https://cdn.example.com/t.jpg' }),
      'thumbnails',
    ],
    ['an unreadable created_at', image({ created_at: 'yesterday' }), 'created_at'],
    ['a numeric taken_at', image({ taken_at: 1636733715 }), 'taken_at'],
    ['metadatas as an array', image({ metadatas: ['a'] }), 'metadatas'],
    ['metadatas as a string', image({ metadatas: 'none' }), 'metadatas'],
    ['exifs as a number', image({ exifs: 3 }), 'exifs'],
  ])('accepts the image without %s, naming %s as dropped', (_case, payload, path) => {
    // Act
    const read = readDropped(payload, 'image_processed');

    // Assess
    expect(read.dropped).toEqual([path]);
    expect(read.payload).toMatchObject({ public_id: expect.any(String) });
    expect(JSON.stringify(read.payload)).not.toContain(`"${path.split('.').at(-1) ?? path}":`);
  });
});

describe('SharinPix prototype keys', () => {
  it('ignores __proto__ and constructor at the top level of an image', () => {
    // Prepare
    const payload = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"public_id":"img-1","processed":true}',
    );

    // Act
    const event = readOk(payload, 'new_image');

    // Assess
    expect(event.payload).toEqual({ public_id: 'img-1', processed: true });
    expect(Object.getPrototypeOf(event.payload)).toBe(Object.prototype);
    expect('polluted' in {}).toBe(false);
  });

  it('drops __proto__, constructor and prototype keys nested in metadatas and exifs', () => {
    // Prepare
    const payload = JSON.parse(
      '{"public_id":"img-1","metadatas":{"__proto__":{"polluted":true},"site":"North","nested":{"constructor":{"x":1},"ok":2}},"exifs":{"prototype":{"a":1},"Make":"Apple"}}',
    );

    // Act
    const event = readOk(payload, 'new_image');

    // Assess
    expect(event.payload).toEqual({
      public_id: 'img-1',
      metadatas: { site: 'North', nested: { ok: 2 } },
      exifs: { Make: 'Apple' },
    });
    const queued: unknown = event.payload;
    const metadatas = isRecord(queued) ? queued.metadatas : undefined;
    expect(Object.getPrototypeOf(metadatas)).toBe(Object.prototype);
    expect('polluted' in {}).toBe(false);
  });

  it('ignores prototype keys inside a tag event and its image', () => {
    // Prepare
    const payload = JSON.parse(
      '{"__proto__":{"id":"spoofed"},"id":"link-1","tag":{"__proto__":{"name":"spoofed"},"id":"t-1","name":"Villa"},"image":{"constructor":{"public_id":"spoofed"},"public_id":"img-1"}}',
    );

    // Act
    const event = readOk(payload, 'new_tag_image');

    // Assess
    expect(event.payload).toEqual({
      id: 'link-1',
      tag: { id: 't-1', name: 'Villa' },
      image: { public_id: 'img-1' },
    });
  });

  it('does not take a required field from a __proto__ key', () => {
    // Prepare
    const payload = JSON.parse('{"__proto__":{"album_id":"a-1","image_ids":["img-1"]}}');

    // Act
    const issues = readIssues(payload, 'upload_done');

    // Assess
    expect(pathsOf(issues)).toEqual(['album_id', 'image_ids']);
  });
});

describe('SharinPix tag events: invalid values', () => {
  it.each([
    ['no link id', withoutKey(body('new_tag_image'), 'id'), 'id'],
    ['an empty link id', tagEvent({ id: '' }), 'id'],
    ['no tag', withoutKey(body('new_tag_image'), 'tag'), 'tag'],
    ['a tag that is a string', tagEvent({ tag: 'Villa' }), 'tag'],
    ['no tag id', tag({ id: undefined }), 'tag.id'],
    ['a numeric tag id', tag({ id: 9078003 }), 'tag.id'],
    ['no tag name', tag({ name: undefined }), 'tag.name'],
    ['a numeric tag name', tag({ name: 5 }), 'tag.name'],
    ['an over-long tag name', tag({ name: tooLongText }), 'tag.name'],
    ['a numeric label', tag({ label: 5 }), 'tag.label'],
    ['a label list', tag({ label: ['Villa'] }), 'tag.label'],
    ['an over-long label object', tag({ label: { en: tooLongText } }), 'tag.label'],
    ['a deeply nested label object', tag({ label: JSON.parse(deeplyNested(10_000)) }), 'tag.label'],
    ['no image', withoutKey(body('new_tag_image'), 'image'), 'image'],
    ['an image without ids', taggedImage({ id: null, public_id: null }), 'image.public_id'],
  ])('reports %s at its path', (_case, payload, path) => {
    // Act
    const added = readIssues(payload, 'new_tag_image');
    const removed = readIssues(payload, 'delete_tag_image');

    // Assess
    expect(pathsOf(added)).toContain(path);
    expect(pathsOf(removed)).toEqual(pathsOf(added));
  });
});

describe('SharinPix tag events: optional values that fail their format are dropped', () => {
  it.each([
    ['a bad url', taggedImage({ original_url: 'not a url' }), 'image.original_url'],
    ['a bad latitude', taggedImage({ gps: [-91, 0] }), 'image.gps'],
  ])(
    'accepts the tag event with an image with %s, naming %s as dropped',
    (_case, payload, path) => {
      // Act
      const added = readDropped(payload, 'new_tag_image');
      const removed = readDropped(payload, 'delete_tag_image');

      // Assess
      expect(added.dropped).toEqual([path]);
      expect(removed.dropped).toEqual([path]);
    },
  );
});

describe('SharinPix upload_done: invalid values', () => {
  it.each([
    ['no album_id', withoutKey(body('upload_done--web'), 'album_id'), 'album_id'],
    ['a numeric album_id', upload({ album_id: 7 }), 'album_id'],
    ['no image_ids', withoutKey(body('upload_done--web'), 'image_ids'), 'image_ids'],
    ['an empty image_ids list', upload({ image_ids: [] }), 'image_ids'],
    ['an empty image id string', upload({ image_ids: '' }), 'image_ids'],
    ['an empty id inside the list', upload({ image_ids: ['img-1', ''] }), 'image_ids.1'],
    ['a number inside the list', upload({ image_ids: ['img-1', 2] }), 'image_ids.1'],
    ['image_ids as a number', upload({ image_ids: 42 }), 'image_ids'],
    ['image_ids as an object', upload({ image_ids: { 0: 'img-1' } }), 'image_ids'],
    ['1,001 image ids', upload({ image_ids: ids(1001) }), 'image_ids'],
    ['an over-long platform', upload({ platform: tooLongText }), 'platform'],
  ])('reports %s at its path', (_case, payload, path) => {
    // Act
    const issues = readIssues(payload, 'upload_done');

    // Assess
    expect(pathsOf(issues)).toContain(path);
  });

  it.each([
    ['a negative count', upload({ count: -1 })],
    ['a count that is not a number', upload({ count: 'many' })],
  ])('accepts an upload with %s, dropping the count', (_case, payload) => {
    // Act
    const read = readDropped(payload, 'upload_done');

    // Assess
    expect(read.dropped).toEqual(['count']);
    expect(read.payload).not.toHaveProperty('count');
  });

  it('accepts up to 1,000 image ids, well past the 50 SharinPix documents', () => {
    // Prepare
    const payload = upload({ image_ids: ids(1000) });

    // Act
    const event = readOk(payload, 'upload_done');

    // Assess
    expect(event.payload).toMatchObject({ image_ids: ids(1000) });
  });
});

describe('SharinPix new_einstein_prediction: invalid values', () => {
  it.each([
    ['no image_id', withoutKey(body('new_einstein_prediction'), 'image_id'), 'image_id'],
    ['an empty image_id', prediction({ image_id: '' }), 'image_id'],
    [
      'no probability list',
      withoutKey(body('new_einstein_prediction'), 'probability'),
      'probability',
    ],
    ['probability as an object', prediction({ probability: { car: 0.9 } }), 'probability'],
    [
      'a probability above 1',
      prediction({ probability: [{ probability: 1.5, label: 'car' }] }),
      'probability.0.probability',
    ],
    [
      'a negative probability',
      prediction({ probability: [{ probability: -0.1, label: 'car' }] }),
      'probability.0.probability',
    ],
    [
      'a probability as a string',
      prediction({ probability: [{ probability: 'high', label: 'car' }] }),
      'probability.0.probability',
    ],
    ['a missing label', prediction({ probability: [{ probability: 0.5 }] }), 'probability.0.label'],
    [
      'a numeric label',
      prediction({ probability: [{ probability: 0.5, label: 1 }] }),
      'probability.0.label',
    ],
    ['an item that is not an object', prediction({ probability: [0.5] }), 'probability.0'],
    [
      '1,001 predictions',
      prediction({
        probability: Array.from({ length: 1001 }, () => ({ probability: 0.001, label: 'x' })),
      }),
      'probability',
    ],
    ['a numeric model_id', prediction({ model_id: 3 }), 'model_id'],
    ['a message that is an object', prediction({ message: { text: 'no' } }), 'message'],
    ['an over-long status', prediction({ status: tooLongText }), 'status'],
  ])('reports %s at its path', (_case, payload, path) => {
    // Act
    const issues = readIssues(payload, 'new_einstein_prediction');

    // Assess
    expect(pathsOf(issues)).toContain(path);
  });

  it('accepts an empty probability list (a prediction that found nothing)', () => {
    // Prepare
    const payload = prediction({ probability: [] });

    // Act
    const event = readOk(payload, 'new_einstein_prediction');

    // Assess
    expect(event.payload).toMatchObject({ probability: [] });
  });
});

describe('SharinPix hostile input is a typed result, never a throw', () => {
  const deepObject = (): unknown => JSON.parse(deeplyNested(10_000));
  const deepArray = (): unknown => JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);

  it.each([
    ['new_image', 'a 10,000-deep object body', deepObject(), ['public_id']],
    ['upload_done', 'a 10,000-deep object body', deepObject(), ['album_id', 'image_ids']],
    ['delete_tag_image', 'a 10,000-deep array body', deepArray(), ['']],
    ['new_publication', 'a 10,000-deep array body', deepArray(), ['']],
    ['new_image', 'a body without a prototype', Object.create(null), ['public_id']],
    ['new_tag_image', 'a 1 MB label', tag({ label: 'z'.repeat(1_000_000) }), ['tag.label']],
    ['upload_done', '100,000 image ids', upload({ image_ids: ids(100_000) }), ['image_ids']],
    [
      'new_einstein_prediction',
      '10,000 empty predictions',
      prediction({ probability: Array.from({ length: 10_000 }, () => ({})) }),
      ['probability.0.probability', 'probability.0.label'],
    ],
  ])('%s: %s', (type, _case, payload, paths) => {
    // Act
    const issues = readIssues(payload, type);

    // Assess
    expect(pathsOf(issues).slice(0, paths.length)).toEqual(paths);
  });

  it('keeps an unsupported 10,000-deep object body, cut at the depth limit', () => {
    // Prepare
    const payload = deepObject();

    // Act
    const event = readOk(payload, 'new_publication');

    // Assess
    expect(JSON.stringify(event.payload)).toMatch(/^(\{"a":){16}null\}+$/);
  });
});
