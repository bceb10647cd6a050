// The demo's pages run under the policy a careful partner would use: no inline script or style, no third-party hosts.
// If the widget, the iframe bundle or the sandbox's consent page needed `unsafe-inline`, the demo would break, which
// is the point: the e2e tests load every page under this header and fail on any violation.
export const DEMO_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'";

/**
 * Against real MX, institution logos come from MX's content host, so images may come from any https origin.
 * Scripts, styles and connections stay same-origin.
 */
export const DEMO_CONTENT_SECURITY_POLICY_WITH_REMOTE_IMAGES = DEMO_CONTENT_SECURITY_POLICY.replace(
  "img-src 'self' data:",
  "img-src 'self' data: https:",
);
