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

/** The value `value` becomes under `shape`; `undefined` means the field is dropped. */
export function applyShape(shape: ResponseShape, value: unknown): unknown {
  if (shape instanceof PartnerOwned) return undefined;
  if (shape === true) return isScalar(value) || (Array.isArray(value) && value.every(isScalar)) ? value : undefined;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return undefined;
    const item = shape[0] as ResponseShape;
    const out: unknown[] = [];
    for (const element of value) {
      const shaped = applyShape(item, element);
      if (shaped !== undefined) out.push(shaped);
    }
    return out;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field in shape as Record<string, ResponseShape>) {
    const fieldShape = (shape as Record<string, ResponseShape>)[field] as ResponseShape;
    const shaped =
      typeof fieldShape === 'function'
        ? fieldShape(source)
        : Object.hasOwn(source, field)
          ? applyShape(fieldShape, source[field])
          : undefined;
    if (shaped !== undefined) out[field] = shaped;
  }
  return out;
}

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
