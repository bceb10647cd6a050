import { createContext, useContext } from 'react';

import type { ConnectMessages, MessageId } from '../copy';
import { formatMessage } from '../copy';

export type Translate = (id: MessageId, values?: Record<string, string | number>) => string;

export const CopyContext = createContext<ConnectMessages | null>(null);

export const translator =
  (messages: ConnectMessages): Translate =>
  (id, values) =>
    formatMessage(messages[id], values);

export function useCopy(): Translate {
  const messages = useContext(CopyContext);
  if (messages === null) throw new Error('useCopy must be used inside <ConnectWidget>.');
  return translator(messages);
}
