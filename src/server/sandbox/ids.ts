// Identifier helpers. Deterministic ids (catalogue) come from a small string hash so the catalogue is identical in
// every runtime without Node's crypto; random ids (users, members, tokens) use Web Crypto.

/** 32-bit FNV-1a hash of a string. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** A stable MX-style guid (`PREFIX-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`) derived from `key`. */
export function stableGuid(prefix: string, key: string): string {
  const a = hex8(fnv1a(key, 0x811c9dc5));
  const b = hex8(fnv1a(key, 0x12345678));
  const c = hex8(fnv1a(key, 0x9e3779b9));
  const d = hex8(fnv1a(key, 0x7f4a7c15));
  return `${prefix}-${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** A random MX-style guid such as `USR-…` or `MBR-…`. */
export function randomGuid(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** An unguessable URL-safe token (single-use OAuth links, consent sessions). */
export function randomToken(): string {
  return crypto.randomUUID().replaceAll('-', '') + crypto.randomUUID().replaceAll('-', '');
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
