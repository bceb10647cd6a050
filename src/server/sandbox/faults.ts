// Fault injection: off unless asked for, per request (`X-Sandbox-Fault` header) or per institution (fault_*_bank).
import { HTTPException } from 'hono/http-exception';

import { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';

export type Fault =
  | { readonly kind: 'status'; readonly status: FaultStatus; readonly retryAfter?: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'drop' }
  | { readonly kind: 'malformed' };

type FaultStatus = 400 | 500 | 503 | 429;

export const FAULT_HEADER = 'X-Sandbox-Fault';

const MAX_DELAY_MS = 60_000;

/**
 * Parses `X-Sandbox-Fault`: a comma-separated list of `400`, `500`, `503`, `429` (optionally `429;retry-after=<s>`),
 * `delay=<ms>`, `drop`, `malformed`. An unknown token is a 400, so a typo never passes silently.
 */
export function parseFaultHeader(header: string | undefined): Fault[] {
  if (header === undefined || header.trim() === '') return [];
  return header.split(',').map((raw): Fault => {
    const token = raw.trim().toLowerCase();
    const [head = '', ...params] = token.split(';').map((part) => part.trim());
    if (head === '400' || head === '500' || head === '503')
      return { kind: 'status', status: Number(head) as 400 | 500 | 503 };
    if (head === '429') {
      const retry = params.find((param) => param.startsWith('retry-after='))?.slice('retry-after='.length);
      const retryAfter = retry === undefined ? 1 : Number(retry);
      if (!Number.isInteger(retryAfter) || retryAfter < 0) throw badFault(raw);
      return { kind: 'status', status: 429, retryAfter };
    }
    if (head.startsWith('delay=')) {
      const ms = Number(head.slice('delay='.length));
      if (!Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS) throw badFault(raw);
      return { kind: 'delay', ms };
    }
    if (head === 'drop') return { kind: 'drop' };
    if (head === 'malformed') return { kind: 'malformed' };
    throw badFault(raw);
  });
}

const badFault = (token: string): HTTPException =>
  new HTTPException(400, { message: `Unknown ${FAULT_HEADER} value "${token.trim().slice(0, 40)}".` });

// MX answers 400 for a missing parameter or a premium job (verification, extended history) the institution or client
// does not support: the one refusal a client cannot get from the sandbox otherwise for a bank that supports the job.
const FAULT_MESSAGES: Record<FaultStatus, string> = {
  400: 'The request could not be accepted for this member (sandbox fault).',
  500: 'Internal server error (sandbox fault).',
  503: 'The platform is being updated. Please try again later (sandbox fault).',
  429: 'Too many requests. Please retry after the rate-limit window (sandbox fault).',
};

/** The HTTP error a status fault becomes (turned into `{error:{message}}` by the app's onError). */
export function statusFaultError(fault: Extract<Fault, { kind: 'status' }>): HTTPException {
  const headers = fault.status === 429 ? { 'Retry-After': String(fault.retryAfter ?? 1) } : undefined;
  return new HTTPException(fault.status, {
    message: FAULT_MESSAGES[fault.status],
    res: headers ? new Response(null, { status: fault.status, headers }) : undefined,
  });
}

/**
 * A "dropped connection": response headers go out, then the body stream errors. Through @hono/node-server the socket
 * is destroyed mid-response, so a fetch client sees a network error (`TypeError: fetch failed` / `terminated`);
 * in-process (`app.request`) reading the body rejects.
 */
export function droppedResponse(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.error(new Error('sandbox fault: connection dropped'));
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': MX_MEDIA_TYPE } });
}

/** Cuts a JSON body in half so it no longer parses (status and headers unchanged). */
export async function malformed(response: Response): Promise<Response> {
  const text = await response.text();
  const cut = text.length > 2 ? text.slice(0, Math.floor(text.length / 2)) : '{"';
  const headers = new Headers(response.headers);
  headers.delete('Content-Length');
  return new Response(cut, { status: response.status, headers });
}
