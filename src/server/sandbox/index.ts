// Entry `member-connect/sandbox`: the MX Platform API emulator.
export { MX_MEDIA_TYPE } from '../../mx/mxMediaType.ts';
export { createSandbox, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from './createSandbox.ts';
export type { SandboxOptions } from './createSandbox.ts';
export { CONNECTION_STATUSES, SANDBOX_SCENARIOS } from './scenarios.ts';
export type { ConnectionStatus } from './scenarios.ts';
export {
  MXBANK_CODE,
  MXBANK_LOGIN_GUID,
  MXBANK_OAUTH_CODE,
  MXBANK_PASSWORD_GUID,
  MXBANK_USERNAME,
  CREDENTIAL_TYPES,
} from './catalogue.ts';
export { FAULT_HEADER } from './faults.ts';
