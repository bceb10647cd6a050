// Entry `member-connect`: the React widget and its public types. Everything not exported here is private.
// Styles are a separate import (`member-connect/styles.css`): this module has no side effects.
export type { ApiClient, ApiClientOptions, SessionTokenSource } from './api/client';
export { createApiClient } from './api/client';
export type { ApiErrorKind } from './api/errors';
export { ApiError, ContractError } from './api/errors';
export type {
  ConnectColorScheme,
  ConnectDataScope,
  ConnectedAccount,
  ConnectEvent,
  ConnectEventMetadata,
  ConnectEventName,
  ConnectExitReason,
  ConnectExitResult,
  ConnectLocale,
  ConnectMode,
  ConnectPartner,
  ConnectStepName,
  ConnectSuccessResult,
  ConnectTheme,
} from './contract/hostContract';
export { CONNECT_EVENT_NAMES } from './contract/hostContract';
export type { ConnectionStatus, CredentialFieldType } from './mx/mxEnums';
export { CONNECTION_STATUSES, CREDENTIAL_FIELD_TYPES } from './mx/mxEnums';
export type { ConnectWidgetHandle } from './widget/ConnectFlow';
export type { ConnectWidgetProps } from './widget/ConnectWidget';
export { ConnectWidget } from './widget/ConnectWidget';
export type { ConnectMessages, MessageId } from './widget/copy';
