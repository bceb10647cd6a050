// The lazy stand-ins of the Node bridge (nodeRequest.ts: a `Request`, its `Headers`) and of the proxy's answers
// (rawAnswer.ts: a `Response`) keep a few members of their own and hand every other one to the real object, built on
// first use. No Node import: rawAnswer.ts runs in every runtime.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Defines every member of `source` on `target` (but those in `own`) as the same member of the object `built` returns:
 * the lazy object answers everything a real one does.
 */
export function delegateMembers<T>(source: object, target: object, own: string[], built: (self: T) => object): void {
  for (const key of Reflect.ownKeys(source)) {
    if (key === 'constructor' || key === Symbol.toStringTag || (typeof key === 'string' && own.includes(key))) continue;
    // Other symbols are the runtime's own internals, except iteration and how `util.inspect` shows the object.
    if (typeof key === 'symbol' && key !== Symbol.iterator && key !== INSPECT) continue;
    const descriptor = Object.getOwnPropertyDescriptor(source, key);
    if (descriptor?.get !== undefined) {
      const get = descriptor.get;
      Object.defineProperty(target, key, {
        get(this: T) {
          return get.call(built(this)) as unknown;
        },
      });
    } else if (typeof descriptor?.value === 'function') {
      const method = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(target, key, {
        value(this: T, ...args: unknown[]) {
          return method.apply(built(this), args);
        },
      });
    }
  }
}
