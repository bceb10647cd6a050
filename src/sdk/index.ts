// Public entry `member-connect/sdk`: framework-free, no runtime dependencies, nothing runs at import time.
export type { ConnectWidgetInstance, MountConnectWidgetOptions } from './mountConnectWidget';
export { mountConnectWidget } from './mountConnectWidget';
export type {
  ConnectExitResult,
  ConnectSuccessResult,
  FrameColorScheme,
  FrameLocale,
  MxConnectEvent,
} from '../protocol/messages';
