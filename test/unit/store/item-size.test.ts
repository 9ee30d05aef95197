import { itemBytes, writeUnitsFor } from '../../../shared/store/dynamodb-item';

describe('item size', () => {
  it('counts attribute names and UTF-8 values, numbers by significant digits', () => {
    // Prepare
    const item = {
      pk: { S: 'spyne#img-1' },
      name: { S: 'Zürich' },
      rev: { N: '1' },
      expiresAt: { N: '1795435200' },
      archive: { B: new Uint8Array(10) },
      deliveries: { SS: ['msg-a', 'msg-b'] },
    };

    // Act
    const bytes = itemBytes(item);

    // Assess: 2+11, 4+7 (ü is two bytes), 3+2, 9+5 (8 significant digits), 7+10, 10+10
    expect(bytes).toBe(13 + 11 + 5 + 14 + 17 + 20);
  });

  it('charges one write unit per started kilobyte, at least one', () => {
    // Act
    const units = [0, 1, 1024, 1025, 400 * 1024].map(writeUnitsFor);

    // Assess
    expect(units).toEqual([1, 1, 1, 2, 400]);
  });
});
