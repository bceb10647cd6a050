// Entry `member-connect/sandbox`: the MX Platform API emulator.
export { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
export {
  CREDENTIAL_TYPES,
  MXBANK_CODE,
  MXBANK_LOGIN_GUID,
  MXBANK_OAUTH_CODE,
  MXBANK_PASSWORD_GUID,
  MXBANK_USERNAME,
} from './catalogue.ts';
export type { SandboxOptions } from './createSandbox.ts';
export { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './createSandbox.ts';
export { FAULT_HEADER } from './faults.ts';
export type { ConnectionStatus } from './scenarios.ts';
export { CONNECTION_STATUSES, SANDBOX_SCENARIOS } from './scenarios.ts';
