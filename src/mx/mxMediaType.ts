/**
 * The media type of MX Platform API v20111101: every request's `Accept` and every response's `Content-Type`
 * (../shared/docs/mx-platform.md). Declared once here so the proxy, the sandbox, the demo and the tests can't drift.
 */
export const MX_MEDIA_TYPE = 'application/vnd.mx.api.v1+json';
