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
      'spyne   sku-1       1    img-1    done    front                        2026-11-01T00:00:00.000Z',
    );
    expect(table[3]).toContain('img-22   failed         IMAGE_DOWNLOAD_ERROR');
    expect(table).toHaveLength(4);
  });

  it('prints the collection as the read API takes it: the id, without its kind', () => {
    // Prepare
    const records = [record({ collection: { kind: 'sku', id: '523a07fa' } })];

    // Act
    const table = recordsTable(records);

    // Assess
    expect(table.split('\n')[2]).toMatch(/^spyne {3}523a07fa /);
    expect(table).not.toContain('sku:');
  });

  it('fits 120 columns by cutting the widest values, never the status or timestamp', () => {
    // Prepare
    const records = [
      record({
        imageId: 'x'.repeat(70),
        name: 'n'.repeat(50),
        tags: [{ id: 't1', name: 'damage' }],
        detections: [{ label: 'car', confidence: 0.971, source: 'detect' }],
      }),
    ];

    // Act
    const lines = recordsTable(records).split('\n');

    // Assess
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(120);
    expect(lines[2]).toContain('…');
    expect(lines[2]).toContain('done');
    expect(lines[2]).toContain('2026-11-01T00:00:00.000Z');
    expect(lines[2]).toContain('car:0.97');
  });

  it('prints every value whole without a width (--wide)', () => {
    // Prepare
    const longId = 'x'.repeat(70);
    const records = [record({ imageId: longId, name: 'n'.repeat(50) })];

    // Act
    const lines = recordsTable(records, { maxWidth: undefined }).split('\n');

    // Assess
    expect(lines[2]).toContain(longId);
    expect(lines[2]).toContain('n'.repeat(50));
    expect(lines[2]).not.toContain('…');
    expect(lines[2]?.length).toBeGreaterThan(120);
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
