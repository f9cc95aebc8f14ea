import { requireObject } from './input.ts';

/**
 * `T` with every key whose value may be `undefined` made optional instead, the shape that
 * `exactOptionalPropertyTypes` accepts for optional fields.
 *
 * @public
 */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * A copy of `value` without its `undefined` fields: `{ ...dropUndefined({ a, b }) }` in place of
 * `...(a === undefined ? {} : { a })` for each optional field passed on.
 *
 * @public
 */
export function dropUndefined<T extends Record<string, unknown>>(value: T): Defined<T> {
  requireObject(value, 'dropUndefined');
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
