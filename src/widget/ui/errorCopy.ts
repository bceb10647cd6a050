import { ApiError } from '../../api/errors';
import type { Translate } from './copyContext';

/** A user-facing sentence for a failed request: never a stack, never a credential. */
export function describeError(t: Translate, error: Error | null | undefined): string {
  if (!(error instanceof ApiError)) return t('serverError');
  if (error.kind === 'network') return t('networkError');
  if (error.kind === 'timeout') return t('timeoutError');
  if (error.status === 429) return t('rateLimited');
  if (error.status >= 500 || error.kind === 'contract') return t('serverError');
  return error.message;
}
