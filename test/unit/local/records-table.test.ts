import { recordsTable } from '../../../scripts/lib/records-table';
import type { ImageRecord } from '../../../shared/record/image-record';

const record = (overrides: Partial<ImageRecord>): ImageRecord => ({
  vendor: 'spyne',
  imageId: 'img-1',
  collection: { kind: 'sku', id: 'sku-1' },
  status: 'done',
  urls: {},
  tags: [],
  detections: [],
  vendorMeta: {},
  deleted: false,
  lastEventAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:05.000Z',
  ...overrides,
});

describe('npm run records table', () => {
  it('prints one aligned line per record and drops columns no record fills', () => {
    // Prepare
    const records = [
      record({ imageId: 'img-1', sequence: 1, name: 'front' }),
      record({ imageId: 'img-22', sequence: 2, status: 'failed', error: 'IMAGE_DOWNLOAD_ERROR' }),
    ];

    // Act
    const table = recordsTable(records).split('\n');

    // Assess
    expect(table[0]).toBe(
      'vendor  collection  seq  imageId  status  name   error                 lastEventAt',
    );
    expect(table[2]).toBe(
      'spyne   sku:sku-1   1    img-1    done    front                        2026-11-01T00:00:00.000Z',
    );
    expect(table[3]).toContain('img-22   failed         IMAGE_DOWNLOAD_ERROR');
    expect(table).toHaveLength(4);
  });

  it('shows tags and detections compactly and cuts long cells', () => {
    // Prepare
    const longId = 'x'.repeat(60);
    const records = [
      record({
        imageId: longId,
        tags: [{ id: 't1', name: 'damage' }],
        detections: [{ label: 'car', confidence: 0.971, source: 'detect' }],
      }),
    ];

    // Act
    const table = recordsTable(records);

    // Assess
    expect(table).toContain(`${'x'.repeat(39)}…`);
    expect(table).toContain('damage');
    expect(table).toContain('car:0.97');
  });

  it('says so when there are no records', () => {
    // Prepare
    const records: ImageRecord[] = [];

    // Act
    const table = recordsTable(records);

    // Assess
    expect(table).toBe('(no records)');
  });
});
