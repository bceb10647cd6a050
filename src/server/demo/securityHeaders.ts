import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

// The demo's pages run under the policy a careful partner would use: no inline script or style, no third-party hosts.
// If the widget, the iframe bundle or the sandbox's consent page needed `unsafe-inline`, the demo would break, which
// is the point: the e2e tests load every page under this header and fail on any violation.
const SELF = ["'self'"];

/**
 * The demo's response headers. With `remoteImages` (real MX), institution logos come from MX's content host, so images
 * may come from any https origin; scripts, styles and connections stay same-origin.
 */
export function demoSecurityHeaders(options: { remoteImages: boolean }): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: SELF,
      scriptSrc: SELF,
      styleSrc: SELF,
      imgSrc: options.remoteImages ? ["'self'", 'data:', 'https:'] : ["'self'", 'data:'],
      frameAncestors: SELF,
      // No injected <base> can re-root relative URLs, and no injected <form> can post anywhere but here.
      baseUri: ["'none'"],
      formAction: SELF,
    },
    // A response that brought its own policy (the sandbox's consent page) keeps it.
    overwrite: false,
    xContentTypeOptions: true,
    // Full URLs go only to the demo's own origin (the sandbox's consent page reads its opener's origin from the
    // referrer); banks, MX's logo host and any other site get no Referer at all.
    referrerPolicy: 'same-origin',
    // Not `same-origin`: the widget opens the bank's OAuth page in a popup and keeps its handle, and the bank's
    // completion page posts its result to `window.opener`. Under `same-origin` a cross-origin bank page would be put in
    // another browsing context group, cutting both links. `same-origin-allow-popups` keeps the popups this page opens
    // and still severs any cross-origin page that opened the demo (no reverse tabnabbing through `window.opener`).
    crossOriginOpenerPolicy: 'same-origin-allow-popups',
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    strictTransportSecurity: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return async (c, next) => {
    // Storybook's own pages rely on inline scripts; it is a catalogue for people, not part of what partners embed.
    if (c.req.path === '/storybook' || c.req.path.startsWith('/storybook/')) return next();
    return headers(c, next);
  };
}
