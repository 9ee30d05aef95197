import fc from 'fast-check';
import { applyChange, eventClock, toImageRecord } from '../../../shared/record/record-state';
import type { ImageChange, ImagePatch } from '../../../shared/record/image-change';
import {
  boundChange,
  clockFits,
  type Detection,
  fitText,
  ITEM_ATTRIBUTES_BYTES,
  jsonBytes,
  MAX_CLOCK_BYTES,
  MAX_DETECTIONS_PER_SOURCE,
  MAX_LABEL_BYTES,
  MAX_META_ENTRIES,
  MAX_META_VALUE_BYTES,
  MAX_TAG_ENTRIES,
  MAX_TAG_LABEL_BYTES,
  MAX_URL_VALUE_BYTES,
  WORST_CASE_STATE_BYTES,
} from '../../../shared/record/image-record';
import { MAX_ITEM_BYTES } from '../../../shared/store/dynamodb-item';
import { encodeState, toSizedRecordItem } from '../../../shared/store/record-item';
import { worstCaseChanges } from '../../support/worst-case-record';
import { mergeAll } from '../../support/merge-all';

const change = (at: string, eventId: string, patch: ImagePatch): ImageChange => ({
  vendor: 'image-intelligence',
  imageId: 'img-1',
  clock: eventClock(new Date(at), eventId),
  patch,
});

const detections = (count: number, labelLength: number): Detection[] =>
  Array.from({ length: count }, (_, index) => ({
    label: `${String(index).padStart(3, '0')}${'x'.repeat(labelLength - 3)}`,
    confidence: (index % 100) / 100,
    source: 'detect',
  }));

describe('fitText', () => {
  it('always fits, and keeps whole code points of the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 8, max: 300 }),
        (text, max) => {
          // Act
          const cut = fitText(text, max);

          // Assess
          if (cut === text) expect(jsonBytes(text)).toBeLessThanOrEqual(max);
          else {
            expect(jsonBytes(cut)).toBeLessThanOrEqual(max);
            expect(text.startsWith(cut.slice(0, -1))).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps text that fits and cuts longer text at a code point, ending in …', () => {
    // Prepare
    const emoji = '😀'.repeat(100);

    // Act
    const kept = fitText('short', 16);
    const cut = fitText(emoji, 50);

    // Assess
    expect(kept).toBe('short');
    expect(cut.endsWith('…')).toBe(true);
    expect(jsonBytes(cut)).toBeLessThanOrEqual(50);
    expect(Array.from(cut.slice(0, -1)).every((point) => point === '😀')).toBe(true);
  });
});

describe('boundChange: the per-change caps', () => {
  it('keeps the 50 most confident of 240 detections of 2,000 characters, labels cut to 256 bytes', () => {
    // Prepare: the job that was accepted and then dead-lettered for its size.
    const job = change('2026-01-01T00:00:00Z', 'job-1', {
      detections: { detect: detections(240, 2000) },
    });

    // Act
    const { change: bounded, notes } = boundChange(job);

    // Assess
    const kept = bounded.patch.detections?.detect ?? [];
    expect(kept).toHaveLength(MAX_DETECTIONS_PER_SOURCE);
    expect(Math.min(...kept.map((d) => d.confidence))).toBeGreaterThanOrEqual(0.5);
    for (const detection of kept) expect(jsonBytes(detection.label)).toBeLessThanOrEqual(256);
    expect(notes).toEqual([
      'detections.detect: kept the 50 most confident of 240',
      `detections.detect: 50 labels cut to ${MAX_LABEL_BYTES} bytes`,
    ]);
  });

  it('keeps the kept detections in the order the vendor listed them', () => {
    // Prepare
    const list = detections(60, 10).reverse();

    // Act
    const { change: bounded } = boundChange(
      change('2026-01-01T00:00:00Z', 'e', { detections: { detect: list } }),
    );

    // Assess
    const kept = bounded.patch.detections?.detect ?? [];
    const positions = kept.map((detection) => list.indexOf(detection));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('drops an oversized metadata blob and an oversized URL, cuts a long tag label, and says so', () => {
    // Prepare
    const patch: ImagePatch = {
      urls: { input: `https://x.example/${'é'.repeat(MAX_URL_VALUE_BYTES)}` },
      vendorMeta: { small: { a: 1 }, blob: { text: 'b'.repeat(MAX_META_VALUE_BYTES) } },
      tags: { t1: { name: 'Villa', label: 'l'.repeat(2000) }, t2: null },
    };

    // Act
    const { change: bounded, notes } = boundChange(change('2026-01-01T00:00:00Z', 'e', patch));

    // Assess
    expect(bounded.patch.urls).toEqual({});
    expect(bounded.patch.vendorMeta).toEqual({ small: { a: 1 } });
    expect(jsonBytes(bounded.patch.tags?.t1?.label)).toBeLessThanOrEqual(MAX_TAG_LABEL_BYTES);
    expect(bounded.patch.tags?.t2).toBeNull();
    expect(notes).toHaveLength(3);
    expect(notes.join('\n')).toMatch(/urls\.input: \d+ bytes, over 4100, dropped/);
  });

  it('returns a change within the caps as it is, with no notes', () => {
    // Prepare
    const small = change('2026-01-01T00:00:00Z', 'e', {
      core: { name: 'a' },
      detections: { detect: detections(3, 10) },
    });

    // Act
    const result = boundChange(small);

    // Assess
    expect(result.change).toBe(small);
    expect(result.notes).toEqual([]);
  });

  it('is idempotent', () => {
    // Prepare
    const once = boundChange(
      change('2026-01-01T00:00:00Z', 'e', { detections: { detect: detections(240, 2000) } }),
    ).change;

    // Act
    const twice = boundChange(once);

    // Assess
    expect(twice.change).toBe(once);
    expect(twice.notes).toEqual([]);
  });

  it('tells a clock too long for any record', () => {
    // Prepare
    const long = change('2026-01-01T00:00:00Z', 'e'.repeat(MAX_CLOCK_BYTES), {});

    // Act / Assess
    expect(clockFits(long)).toBe(false);
    expect(clockFits(change('2026-01-01T00:00:00Z', 'e', {}))).toBe(true);
  });
});

describe('the record caps on every merge', () => {
  it('keeps the 64 most recently changed tag ids, added or removed', () => {
    // Prepare: 100 tag events, one tag each, the last 10 removals.
    const events = Array.from({ length: 100 }, (_, index) =>
      change(new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(), `e${index}`, {
        tags: {
          [`t${String(index).padStart(3, '0')}`]: index >= 90 ? null : { name: `n${index}` },
        },
      }),
    );

    // Act
    const state = mergeAll(events);

    // Assess
    const tagKeys = Object.keys(state?.fields ?? {}).filter((key) => key.startsWith('tag:'));
    expect(tagKeys).toHaveLength(MAX_TAG_ENTRIES);
    expect(tagKeys).toContain('tag:t099');
    expect(tagKeys).not.toContain('tag:t035');
    const record = state && toImageRecord(state, '2026-01-02T00:00:00.000Z');
    expect(record?.tags.map((tag) => tag.id)).toEqual(
      Array.from({ length: 54 }, (_, index) => `t${String(index + 36).padStart(3, '0')}`),
    );
  });

  it('keeps the 24 most recently set metadata keys', () => {
    // Prepare
    const events = Array.from({ length: 40 }, (_, index) =>
      change(new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(), `e${index}`, {
        vendorMeta: { [`context.k${String(index).padStart(2, '0')}`]: `v${index}` },
      }),
    );

    // Act
    const state = mergeAll(events);

    // Assess
    const metaKeys = Object.keys(state?.fields ?? {}).filter((key) => key.startsWith('meta:'));
    expect(metaKeys).toHaveLength(MAX_META_ENTRIES);
    expect(metaKeys).toContain('meta:context.k39');
    expect(metaKeys).not.toContain('meta:context.k15');
  });

  it('treats a late tag change older than every kept one as stale, whatever its tag', () => {
    // Prepare
    const recent = Array.from({ length: MAX_TAG_ENTRIES }, (_, index) =>
      change(new Date(Date.UTC(2026, 1, 1, 0, index)).toISOString(), `r${index}`, {
        tags: { [`t${index}`]: { name: 'x' } },
      }),
    );
    const state = mergeAll(recent);
    const late = change('2026-01-01T00:00:00Z', 'late', { tags: { old: { name: 'old' } } });

    // Act
    const merged = mergeAll([...recent, late]);
    const applied = applyChange(state, late);

    // Assess
    expect(applied.changed).toBe(false);
    expect(Object.keys(merged?.fields ?? {}).filter((key) => key.startsWith('tag:'))).toEqual(
      Object.keys(state?.fields ?? {}).filter((key) => key.startsWith('tag:')),
    );
  });
});

describe('the worst case: every part of a record at its cap', () => {
  it('fits a DynamoDB item, as the sum of the caps says', () => {
    // Prepare
    const changes = worstCaseChanges('img-worst');

    // Act
    const state = mergeAll(changes);
    if (state === undefined) throw new Error('no state');
    const stateBytes = Buffer.byteLength(encodeState(state));
    const { textBytes } = toSizedRecordItem({
      state,
      rev: 1,
      updatedAt: '2026-01-02T00:00:00.000Z',
      cause: { eventId: changes.at(-1)?.clock.split('|')[1] ?? '', eventType: 'sku.v2' },
    });

    // Assess
    for (const item of changes) expect(boundChange(item).notes).toEqual([]);
    expect(stateBytes).toBeLessThanOrEqual(WORST_CASE_STATE_BYTES);
    expect(stateBytes).toBeGreaterThan(WORST_CASE_STATE_BYTES * 0.9);
    expect(textBytes).toBeLessThanOrEqual(WORST_CASE_STATE_BYTES + ITEM_ATTRIBUTES_BYTES);
    expect(WORST_CASE_STATE_BYTES + ITEM_ATTRIBUTES_BYTES).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });
});
