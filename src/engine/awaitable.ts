/**
 * A value now or later. The lookups on every request's path (token, store, secret metadata) are answered from
 * memory or by a synchronous SQLite call, so they return values, not promises; a networked backend may return
 * promises. A GET whose every step is synchronous gets its response synchronously and skips the promise machinery
 * of Hono and @hono/node-server: about a quarter more requests per second for a cached GET (bench/ab.mjs).
 */
export type Awaitable<T> = T | Promise<T>;

/** `next(value)`, at once when the value is already here; through the promise only when it is not. */
export function andThen<T, U>(value: Awaitable<T>, next: (value: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
