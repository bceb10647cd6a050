/** Bounds for reading one body: at most `limit` bytes, and optionally within `deadlineMs`. */
export interface ReadBounds {
  limit: number;
  tooLarge: () => Error;
  deadlineMs?: number;
  tooSlow?: () => Error;
}

/**
 * Reads a body stream whole, but stops (and cancels the stream) as soon as it grows past `limit` bytes or its
 * deadline passes, so neither a browser nor an upstream can make the proxy buffer more, or wait longer, than it allows.
 */
export async function readLimitedBytes(
  body: ReadableStream<Uint8Array> | null,
  bounds: ReadBounds,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired: Promise<never> | undefined;
  if (bounds.deadlineMs !== undefined) {
    const tooSlow = bounds.tooSlow ?? bounds.tooLarge;
    expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(tooSlow()), bounds.deadlineMs);
    });
    expired.catch(() => undefined);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await (expired === undefined ? reader.read() : Promise.race([reader.read(), expired]));
      if (done) break;
      size += value.byteLength;
      if (size > bounds.limit) throw bounds.tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // One chunk (the usual case for a small body) is returned as it is: no second copy.
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
