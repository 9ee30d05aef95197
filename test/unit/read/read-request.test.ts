import { parseReadRequest, positionOf } from '../../../shared/read/read-handler';
import { encodeCursor } from '../../../shared/store/collection-cursor';
import {
  defaultRouteEvent,
  getImageEvent,
  listImagesEvent,
} from '../../integration/read/support/http-events';

const KEY = 'unit-test-cursor-key-0123456789abcdef';
const POSITION = { recordKey: 'spyne#img-2', sortKey: '0bff0000000000000#img-2' };

describe('parseReadRequest: GET /images/{vendor}/{imageId}', () => {
  it('reads vendor and imageId from the path parameters', () => {
    // Act
    const parsed = parseReadRequest(getImageEvent('sharinpix', 'IMG 2041'));

    // Assess
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'get', vendor: 'sharinpix', imageId: 'IMG 2041', explain: false },
    });
  });

  it('matches a $default route from the raw path and decodes the id', () => {
    // Act
    const parsed = parseReadRequest(defaultRouteEvent('/images/spyne/IMG%202041%2Fa'));

    // Assess
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'get', vendor: 'spyne', imageId: 'IMG 2041/a', explain: false },
    });
  });

  it('reads ?explain=true as a flag', () => {
    // Act
    const parsed = parseReadRequest(getImageEvent('spyne', 'img-1', { explain: 'true' }));

    // Assess
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'get', vendor: 'spyne', imageId: 'img-1', explain: true },
    });
  });

  it('refuses an explain value other than true or false, naming the parameter', () => {
    // Act
    const parsed = parseReadRequest(getImageEvent('spyne', 'img-1', { explain: 'yes' }));

    // Assess
    expect(parsed).toEqual({
      ok: false,
      refusal: { kind: 'invalid', issues: [{ path: 'explain', message: 'must be true or false' }] },
    });
  });

  it('refuses an unknown vendor with the parameter as path', () => {
    // Act
    const parsed = parseReadRequest(getImageEvent('acme', 'img-1'));

    // Assess
    expect(parsed).toEqual({
      ok: false,
      refusal: {
        kind: 'invalid',
        issues: [
          {
            path: 'vendor',
            message: 'must be one of spyne, sharinpix, image-intelligence, cloudinary',
          },
        ],
      },
    });
  });

  it('answers no route for any other path', () => {
    // Act
    const parsed = parseReadRequest(defaultRouteEvent('/webhooks/spyne'));

    // Assess
    expect(parsed).toEqual({ ok: false, refusal: { kind: 'no_route' } });
  });
});

describe('parseReadRequest: GET /images', () => {
  it('defaults limit to 25', () => {
    // Act
    const parsed = parseReadRequest(listImagesEvent({ vendor: 'spyne', collection: 'sku-1' }));

    // Assess
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'list', vendor: 'spyne', collectionId: 'sku-1', limit: 25 },
    });
  });

  it('takes a colon inside an id that does not start with a collection kind', () => {
    // Act
    const parsed = parseReadRequest(listImagesEvent({ vendor: 'spyne', collection: 'lot:7' }));

    // Assess
    expect(parsed).toMatchObject({ ok: true, request: { collectionId: 'lot:7' } });
  });

  it('accepts limits from 1 to 100 and passes the next token on for verification', () => {
    // Act
    const smallest = parseReadRequest(
      listImagesEvent({ vendor: 'spyne', collection: 'sku-1', limit: '1' }),
    );
    const largest = parseReadRequest(
      listImagesEvent({ vendor: 'spyne', collection: 'sku-1', limit: '100', next: 'abc.def' }),
    );

    // Assess
    expect(smallest).toMatchObject({ ok: true, request: { limit: 1 } });
    expect(largest).toEqual({
      ok: true,
      request: {
        kind: 'list',
        vendor: 'spyne',
        collectionId: 'sku-1',
        limit: 100,
        next: 'abc.def',
      },
    });
  });

  it.each([
    [{ collection: 'sku-1' }, 'vendor', 'is required (expected "vendor")'],
    [{ vendor: 'spyne' }, 'collection', 'is required (expected "collection")'],
    [{ vendor: 'spyne', collection: '' }, 'collection', 'must not be empty'],
    [
      { vendor: 'spyne', collection: 'sku-1', limit: '0' },
      'limit',
      'must be an integer from 1 to 100',
    ],
    [
      { vendor: 'spyne', collection: 'sku-1', limit: '101' },
      'limit',
      'must be an integer from 1 to 100',
    ],
    [
      { vendor: 'spyne', collection: 'sku-1', limit: '-1' },
      'limit',
      'must be an integer from 1 to 100',
    ],
    [
      { vendor: 'spyne', collection: 'sku-1', limit: '2.5' },
      'limit',
      'must be an integer from 1 to 100',
    ],
    [{ vendor: 'spyne', collection: 'sku-1', next: '' }, 'next', 'must not be empty'],
    [
      { vendor: 'spyne', collection: 'sku:523a07fa' },
      'collection',
      'is the collection id without its kind: send "523a07fa", not "sku:523a07fa"',
    ],
    [
      { vendor: 'sharinpix', collection: 'album:a-1:b' },
      'collection',
      'is the collection id without its kind: send "a-1:b", not "album:a-1:b"',
    ],
  ])('refuses %p at %s', (query, path, message) => {
    // Act
    const parsed = parseReadRequest(listImagesEvent(query));

    // Assess
    expect(parsed).toEqual({
      ok: false,
      refusal: { kind: 'invalid', issues: [{ path, message }] },
    });
  });
});

describe('positionOf', () => {
  const list = (next?: string, collectionId = 'sku-1') =>
    ({
      kind: 'list',
      vendor: 'spyne',
      collectionId,
      limit: 25,
      ...(next ? { next } : {}),
    }) as const;

  it('starts from the beginning without a token', () => {
    // Act
    const position = positionOf(list(), KEY);

    // Assess
    expect(position).toEqual({ ok: true });
  });

  it('resumes after the position of a token minted for the same collection', () => {
    // Prepare
    const next = encodeCursor(POSITION, { vendor: 'spyne', collectionId: 'sku-1' }, KEY);

    // Act
    const position = positionOf(list(next), KEY);

    // Assess
    expect(position).toEqual({ ok: true, after: POSITION });
  });

  it.each([
    ['a token it never issued', 'garbage', 'is not a token this API issued'],
    [
      'a token of another collection',
      encodeCursor(POSITION, { vendor: 'spyne', collectionId: 'sku-2' }, KEY),
      'belongs to another vendor or collection',
    ],
    [
      'a token signed with another key',
      encodeCursor(POSITION, { vendor: 'spyne', collectionId: 'sku-1' }, `${KEY}-old`),
      'is not a token this API issued',
    ],
  ])('refuses %s with a 400 on next', (_case, next, message) => {
    // Act
    const position = positionOf(list(next), KEY);

    // Assess
    expect(position).toEqual({
      ok: false,
      refusal: { kind: 'invalid', issues: [{ path: 'next', message }] },
    });
  });
});
