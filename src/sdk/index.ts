// Public entry `member-connect/sdk`: framework-free, no runtime dependencies, nothing runs at import time.
export type { ConnectWidgetInstance, MountConnectWidgetOptions } from './mountConnectWidget';
export { mountConnectWidget } from './mountConnectWidget';
// The host contract is the React widget's too (contract/hostContract.ts). `MxConnectEvent`, `FrameLocale` and
// `FrameColorScheme` are this entry's earlier names for the same types, kept so existing imports compile.
export type {
  ConnectColorScheme,
  ConnectedAccount,
  ConnectEvent,
  ConnectEventMetadata,
  ConnectEventName,
  ConnectExitReason,
  ConnectExitResult,
  ConnectLocale,
  ConnectMode,
  ConnectStepName,
  ConnectSuccessResult,
  ConnectTheme,
  ConnectColorScheme as FrameColorScheme,
  ConnectLocale as FrameLocale,
  ConnectEvent as MxConnectEvent,
  SessionTokenResponse,
} from '../contract/hostContract';
