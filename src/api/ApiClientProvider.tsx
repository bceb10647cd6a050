import { createContext, type ReactNode, useContext } from 'react';

import type { ApiClient } from './client';

const ApiClientContext = createContext<ApiClient | null>(null);

export function ApiClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiClientContext.Provider value={client}>{children}</ApiClientContext.Provider>;
}

export function useApiClient(): ApiClient {
  const client = useContext(ApiClientContext);
  if (client === null)
    throw new Error('useApiClient must be used inside <ApiClientProvider> (rendered by <ConnectWidget>).');
  return client;
}
