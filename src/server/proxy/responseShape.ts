/**
 * An allow-list of the JSON a route may hand to the browser. `true` keeps a scalar (or an array of scalars) as MX sent
 * it; an object keeps only the keys it names, each shaped in turn; `[shape]` shapes every item of an array; a function
 * computes the field from the object it sits in (`account_number_last_four` from `account_number`). Anything not
 * named, and anything whose type does not match its shape (an object where a scalar was expected), never leaves.
 */
export type ResponseShape =
  | true
  | readonly [ResponseShape]
  | { readonly [field: string]: ResponseShape }
  | PartnerOwned
  | ((parent: Readonly<Record<string, unknown>>) => string | number | boolean | null | undefined);

/**
 * A member field the partner owns (`id`, `metadata`): it reaches the browser only when `memberFields` lets the browser
 * set it too, since partners keep their own references there. Resolved once, when the proxy is created.
 */
export class PartnerOwned {
  constructor(readonly field: 'id' | 'metadata') {}
}

/** The shape with each partner-owned field kept (as a plain scalar) or removed, per `memberFields`. */
export function resolveShape(shape: ResponseShape, allowed: { id?: boolean; metadata?: boolean }): ResponseShape {
  if (shape === true || typeof shape === 'function' || shape instanceof PartnerOwned) return shape;
  if (Array.isArray(shape)) return [resolveShape(shape[0] as ResponseShape, allowed)];
  const out: Record<string, ResponseShape> = {};
  for (const [field, inner] of Object.entries(shape as Record<string, ResponseShape>)) {
    if (inner instanceof PartnerOwned) {
      if (allowed[inner.field] === true) out[field] = true;
    } else {
      out[field] = resolveShape(inner, allowed);
    }
  }
  return out;
}

/** The shape of a list whose every item has `item`'s shape. */
export const listOf = (item: ResponseShape): readonly [ResponseShape] => [item];

/** A shape turned into a function, once per route when the proxy is created: `undefined` means "drop it". */
export type ShapeFilter = (value: unknown) => unknown;

/**
 * Compiles a shape into a filter. Done once per route at creation, so a request pays only for a loop over the allowed
 * fields (no walk of the shape object, no reflection). Fields are read directly: the value is fresh `JSON.parse` output
 * (own data properties only), and an inherited property such as `constructor` is a function, which no shape keeps.
 */
export function compileShape(shape: ResponseShape): ShapeFilter {
  if (shape instanceof PartnerOwned) return () => undefined;
  if (shape === true) return keepScalar;
  if (typeof shape === 'function') return () => undefined;
  if (Array.isArray(shape)) {
    const item = compileShape(shape[0] as ResponseShape);
    return (value) => {
      if (!Array.isArray(value)) return undefined;
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i += 1) {
        const shaped = item(value[i]);
        if (shaped !== undefined) out.push(shaped);
      }
      return out;
    };
  }
  const entries = Object.entries(shape as Record<string, ResponseShape>);
  const keys = entries.map(([key]) => key);
  const filters = entries.map(([, inner]) => (typeof inner === 'function' ? undefined : compileShape(inner)));
  const derived = entries.map(([, inner]) => (typeof inner === 'function' ? inner : undefined));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      const derive = derived[i];
      const shaped =
        derive === undefined
          ? source[key] === undefined
            ? undefined
            : (filters[i] as ShapeFilter)(source[key])
          : derive(source);
      if (shaped !== undefined) out[key] = shaped;
    }
    return out;
  };
}

const keepScalar: ShapeFilter = (value) =>
  isScalar(value) || (Array.isArray(value) && value.every(isScalar)) ? value : undefined;

const isScalar = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * Every field path a shape lets through (`member.guid`, `accounts[].name`; a partner-owned field ends in `?`), for the
 * docs and their test.
 */
export function shapeFields(shape: ResponseShape, prefix = ''): string[] {
  if (shape instanceof PartnerOwned) return [`${prefix}?`];
  if (shape === true || typeof shape === 'function') return [prefix];
  if (Array.isArray(shape)) return shapeFields(shape[0] as ResponseShape, `${prefix}[]`);
  return Object.entries(shape as Record<string, ResponseShape>).flatMap(([field, inner]) =>
    shapeFields(inner, prefix === '' ? field : `${prefix}.${field}`),
  );
}
