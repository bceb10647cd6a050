const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A memoised digest function; `entries()` says how many digests it holds (never more than its size). */
export interface DigestCache {
  /** The digest itself when it is known (no promise to wait for), a promise of it otherwise. */
  (text: string): string | Promise<string>;
  entries(): number;
}

/** SHA-256 hex of short strings, memoised in an LRU of `size` entries (Map order = least recently used first). */
export function createDigestCache(size: number): DigestCache {
  const digests = new Map<string, string>();
  const digestOf = (text: string): string | Promise<string> => {
    const known = digests.get(text);
    if (known === undefined) return remember(text);
    digests.delete(text);
    digests.set(text, known);
    return known;
  };
  const remember = async (text: string): Promise<string> => {
    const digest = await sha256Hex(text);
    if (digests.size >= size) {
      const oldest = digests.keys().next().value;
      if (oldest !== undefined) digests.delete(oldest);
    }
    digests.set(text, digest);
    return digest;
  };
  return Object.assign(digestOf, { entries: () => digests.size });
}
