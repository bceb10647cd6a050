/** Why a request failed, as the widget needs to react to it. */
export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'contract';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  status: number;
  message: string;
  retryAfter?: number | undefined;
}

/** A failed call to the proxy. `status` is 0 when no HTTP response arrived. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly status: number;
  /** Seconds to wait before retrying, from the `Retry-After` header (429/503). */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.status = init.status;
    this.retryAfter = init.retryAfter;
  }

  get isRetryable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.status === 429 || this.status >= 500;
  }
}

/** A response that does not match the wire contract (schemas.ts). */
export class ContractError extends ApiError {
  override name = 'ContractError';
  constructor(message: string, status: number) {
    super({ kind: 'contract', status, message });
  }
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into seconds. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
