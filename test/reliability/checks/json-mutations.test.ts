import { mutateJson } from '../support/fuzz/json-mutations';

describe('fuzz mutations of JSON bodies', () => {
  it('plants __proto__ as an own key that survives serialization, leaving the input untouched', () => {
    // Prepare
    const body = { a: { b: 1 } };

    // Act
    const mutated = mutateJson(body, [
      { op: 'prototype-key', container: 1, key: '__proto__', value: { polluted: true } },
    ]);

    // Assess
    expect(JSON.stringify(mutated)).toBe('{"a":{"b":1,"__proto__":{"polluted":true}}}');
    expect(body).toEqual({ a: { b: 1 } });
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('drops, retypes, duplicates and extends members by index', () => {
    // Prepare
    const body = { list: [1, 2], keep: 'x', gone: true };

    // Act
    const mutated = mutateJson(body, [
      { op: 'drop', container: 0, member: 2 },
      { op: 'retype', container: 0, member: 1, value: 7 },
      { op: 'duplicate', container: 1, member: 0, key: 'unused' },
      { op: 'extend', container: 0, key: 'extra', value: null },
    ]);

    // Assess
    expect(mutated).toEqual({ list: [1, 2, 1], keep: 7, extra: null });
  });
});
