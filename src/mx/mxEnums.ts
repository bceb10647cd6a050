// MX's closed vocabularies that v20111101 types as plain strings. `src/mx/` imports nothing of ours, so the widget
// (browser), the proxy and the sandbox (server) share the same lists without either importing the other's code.

/** Every credential `field_type` MX documents (mx-platform.md §3.3). The widget's field registry must cover each one. */
export const CREDENTIAL_FIELD_TYPES = [
  'LOGIN',
  'TEXT',
  'PASSWORD',
  'TOKEN',
  'OPTIONS',
  'RADIO',
  'CHECKBOX',
  'HIDDEN',
  'URL',
  'CONTENT_URL',
  'IMAGE_URL',
  'IMAGE_DATA',
  'IMAGE_OPTIONS',
  'CUSTOM',
  'CLUDGE',
  'USERKEY',
  'OAUTH2_URL',
  'OAUTH_ACCESS_TOKEN',
  'OAUTH_REFRESH_TOKEN',
] as const;
export type CredentialFieldType = (typeof CREDENTIAL_FIELD_TYPES)[number];

/** MX's 22 `connection_status` values, in MX's numeric id order (mx-platform.md §7). */
export const CONNECTION_STATUSES = [
  'CREATED',
  'PREVENTED',
  'DENIED',
  'CHALLENGED',
  'REJECTED',
  'LOCKED',
  'CONNECTED',
  'IMPEDED',
  'RECONNECTED',
  'DEGRADED',
  'DISCONNECTED',
  'DISCONTINUED',
  'CLOSED',
  'DELAYED',
  'FAILED',
  'UPDATED',
  'DISABLED',
  'IMPORTED',
  'RESUMED',
  'EXPIRED',
  'IMPAIRED',
  'PENDING',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const isCredentialFieldType = (value: string): value is CredentialFieldType =>
  (CREDENTIAL_FIELD_TYPES as readonly string[]).includes(value);
export const isConnectionStatus = (value: string): value is ConnectionStatus =>
  (CONNECTION_STATUSES as readonly string[]).includes(value);
