// Entry `member-connect`: the React widget and its public types. Everything not exported here is private.
// Styles are a separate import (`member-connect/styles.css`): this module has no side effects.
export { ConnectWidget } from './widget/ConnectWidget';
export type { ConnectWidgetProps } from './widget/ConnectWidget';
export type { ConnectWidgetHandle } from './widget/ConnectFlow';
export { CONNECT_EVENT_NAMES } from './contract/hostContract';
export type {
  ConnectColorScheme,
  ConnectEvent,
  ConnectEventMetadata,
  ConnectEventName,
  ConnectExitReason,
  ConnectExitResult,
  ConnectLocale,
  ConnectStepName,
  ConnectSuccessResult,
  ConnectTheme,
  ConnectedAccount,
  ConnectDataScope,
  ConnectPartner,
} from './contract/hostContract';
export type { ConnectMessages, MessageId } from './widget/copy';
export { createApiClient } from './api/client';
export type { ApiClient, ApiClientOptions, SessionTokenSource } from './api/client';
export { ApiError, ContractError } from './api/errors';
export type { ApiErrorKind } from './api/errors';
export { CONNECTION_STATUSES, CREDENTIAL_FIELD_TYPES } from './mx/mxEnums';
export type { ConnectionStatus, CredentialFieldType } from './mx/mxEnums';
