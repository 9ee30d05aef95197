/**
 * Structural mutations of a JSON body, the raw material of the fuzz suite: drop, retype,
 * duplicate and extend a member anywhere in the tree, and plant prototype keys. Each mutation
 * names its target by index into the body's containers, so fast-check can generate them without
 * knowing the body's shape, and the same seed always mutates the same way.
 */
export type JsonMutation =
  | { readonly op: 'drop'; readonly container: number; readonly member: number }
  | {
      readonly op: 'retype';
      readonly container: number;
      readonly member: number;
      readonly value: unknown;
    }
  | {
      readonly op: 'duplicate';
      readonly container: number;
      readonly member: number;
      readonly key: string;
    }
  | {
      readonly op: 'extend';
      readonly container: number;
      readonly key: string;
      readonly value: unknown;
    }
  | {
      readonly op: 'prototype-key';
      readonly container: number;
      readonly key: '__proto__' | 'constructor' | 'prototype';
      readonly value: unknown;
    };

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null;

/** Every object and array in the tree, root first (depth-first). */
export const containersOf = (root: unknown): Container[] => {
  const found: Container[] = [];
  const visit = (value: unknown) => {
    if (!isContainer(value)) return;
    found.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) visit(child);
  };
  visit(root);
  return found;
};

/**
 * A deep copy that keeps own `__proto__` keys as data. Generated values are copied before they
 * are planted, so one value never ends up in two places (or inside itself).
 */
const deepCopy = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

/** Sets an own, enumerable property, even one named `__proto__` (plain assignment would not). */
export const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
};

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];

const apply = (root: unknown, mutation: JsonMutation): void => {
  const target = pick(containersOf(root), mutation.container);
  if (target === undefined) return;
  if (mutation.op === 'extend') {
    if (Array.isArray(target)) target.push(deepCopy(mutation.value));
    else setOwn(target, mutation.key, deepCopy(mutation.value));
    return;
  }
  if (mutation.op === 'prototype-key') {
    if (!Array.isArray(target)) setOwn(target, mutation.key, deepCopy(mutation.value));
    return;
  }
  if (Array.isArray(target)) {
    if (target.length === 0) return;
    const index = mutation.member % target.length;
    if (mutation.op === 'drop') target.splice(index, 1);
    else if (mutation.op === 'retype') target[index] = deepCopy(mutation.value);
    else target.push(deepCopy(target[index]));
    return;
  }
  const key = pick(Object.keys(target), mutation.member);
  if (key === undefined) return;
  if (mutation.op === 'drop') delete target[key];
  else if (mutation.op === 'retype') setOwn(target, key, deepCopy(mutation.value));
  else setOwn(target, mutation.key, deepCopy(target[key]));
};

/** The body after the mutations, applied in order to a copy (the input is not touched). */
export const mutateJson = (body: unknown, mutations: readonly JsonMutation[]): unknown => {
  const copy = deepCopy(body);
  for (const mutation of mutations) apply(copy, mutation);
  return copy;
};
