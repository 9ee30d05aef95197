import { changedPaths } from '../../../shared/changes/changed-paths';
import type { ImageRecord } from '../../../shared/record/image-record';

const base: ImageRecord = {
  vendor: 'sharinpix',
  imageId: 'img-1',
  collection: { kind: 'album', id: 'a-1' },
  status: 'processing',
  urls: { input: 'https://example.com/in.jpg', thumbnails: { mini: 'https://example.com/m.jpg' } },
  tags: [{ id: 't-1', name: 'Front' }],
  detections: [],
  vendorMeta: { platform: 'web' },
  deleted: false,
  lastEventAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:01.000Z',
};

describe('changedPaths', () => {
  it('lists every present path of a new record, never updatedAt', () => {
    // Act
    const paths = changedPaths(undefined, base);

    // Assess
    expect(paths).toEqual([
      'collection',
      'deleted',
      'detections',
      'imageId',
      'lastEventAt',
      'status',
      'tags.t-1',
      'urls.input',
      'urls.thumbnails.mini',
      'vendor',
      'vendorMeta.platform',
    ]);
  });

  it('names URLs per kind, tags per id and metadata per key, added, altered or removed', () => {
    // Prepare
    const after: ImageRecord = {
      ...base,
      status: 'done',
      urls: { ...base.urls, output: 'https://example.com/out.jpg', thumbnails: {} },
      tags: [
        { id: 't-1', name: 'Front', label: 'front' },
        { id: 't-2', name: 'Rear' },
      ],
      vendorMeta: {},
      lastEventAt: '2026-12-01T11:00:00.000Z',
      updatedAt: '2026-12-01T11:00:01.000Z',
    };

    // Act
    const paths = changedPaths(base, after);

    // Assess
    expect(paths).toEqual([
      'lastEventAt',
      'status',
      'tags.t-1',
      'tags.t-2',
      'urls.output',
      'urls.thumbnails.mini',
      'vendorMeta.platform',
    ]);
  });

  it('is empty when only updatedAt differs', () => {
    // Act
    const paths = changedPaths(base, { ...base, updatedAt: '2026-12-02T00:00:00.000Z' });

    // Assess
    expect(paths).toEqual([]);
  });
});
