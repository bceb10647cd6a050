import http from 'node:http';

// One keep-alive pool for every scripted client of the bench. node:http costs the load generator much less per request
// than the global fetch (undici with web streams): at 1,000 concurrent loops on 2 cores, fetch delivered about a
// third of autocannon's rate against the same proxy, so the load test measured its own client.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One HTTP request over the shared keep-alive pool; the body is read whole as UTF-8. */
export function httpRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: init.method,
        headers:
          init.body === undefined ? init.headers : { ...init.headers, 'Content-Length': Buffer.byteLength(init.body) },
        agent,
        signal: init.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}
