// Public entry `member-connect/sdk`: framework-free, no runtime dependencies, nothing runs at import time.
export type { ConnectWidgetInstance, MountConnectWidgetOptions } from './mountConnectWidget';
export { mountConnectWidget } from './mountConnectWidget';
export type {
  ConnectExitReason,
  ConnectExitResult,
  ConnectSuccessResult,
  FrameColorScheme,
  FrameLocale,
  MxConnectEvent,
  SessionTokenResponse,
} from '../protocol/messages';
