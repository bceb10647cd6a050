// The sandbox's OAuth consent page (what MX Bank's OAuth login would be). No inline script or style: the page loads
// its JS and CSS from the sandbox, so it works under a strict Content-Security-Policy, which it also sends.

export const OAUTH_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

function page(title: string, base: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(base)}/oauth/consent.css">
<script src="${escapeHtml(base)}/oauth/${script}" defer></script>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function consentPage(options: {
  base: string;
  institutionName: string;
  logoUrl: string;
  session: string;
}): string {
  const { base, institutionName, logoUrl, session } = options;
  const name = escapeHtml(institutionName);
  return page(
    `Sign in to ${institutionName}`,
    base,
    `<img src="${escapeHtml(logoUrl)}" alt="" width="64" height="64">
<h1>${name}</h1>
<p>A sandbox app is asking to read your accounts and transactions at ${name}.</p>
<p class="note">This is the member-connect sandbox: no real bank is involved.</p>
<form method="post" action="${escapeHtml(base)}/oauth/decision">
<input type="hidden" name="session" value="${escapeHtml(session)}">
<input type="hidden" name="opener_origin" value="">
<button type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
    'consent.js',
  );
}

export function completePage(options: {
  base: string;
  result: 'success' | 'error';
  memberGuid: string;
  targetOrigin: string | null;
  errorReason?: string;
}): string {
  const { base, result, memberGuid, targetOrigin, errorReason } = options;
  const heading = result === 'success' ? 'You are connected' : 'Connection not authorized';
  return page(
    heading,
    base,
    `<h1>${heading}</h1>
<p>You can close this window.</p>
<div id="oauth-result" hidden data-result="${result}" data-member-guid="${escapeHtml(memberGuid)}" data-target-origin="${escapeHtml(targetOrigin ?? '')}" data-error-reason="${escapeHtml(errorReason ?? '')}"></div>`,
    'complete.js',
  );
}

export function expiredPage(base: string): string {
  return page(
    'Link expired',
    base,
    '<h1>This link has expired</h1><p>OAuth links work once. Go back and start the connection again.</p>',
    'consent.js',
  );
}

/** Records the opener's origin (from document.referrer) so the completion page can address its message to it. */
export const CONSENT_JS = `'use strict';
(function () {
  var field = document.querySelector('input[name="opener_origin"]');
  if (!field || !document.referrer) return;
  try {
    field.value = new URL(document.referrer).origin;
  } catch (error) {
    field.value = '';
  }
})();
`;

/**
 * Tells the opener how OAuth ended, in MX's message shape, addressed to the opener's origin only (or this page's own
 * origin when the referrer was not known), then closes the window.
 */
export const COMPLETE_JS = `'use strict';
(function () {
  var node = document.getElementById('oauth-result');
  if (!node) return;
  var result = node.getAttribute('data-result');
  var metadata = { member_guid: node.getAttribute('data-member-guid') };
  var reason = node.getAttribute('data-error-reason');
  if (result === 'error' && reason) metadata.error_reason = reason;
  var message = { mx: true, type: result === 'success' ? 'oauthComplete/success' : 'oauthComplete/error', metadata: metadata };
  var target = node.getAttribute('data-target-origin') || window.location.origin;
  if (window.opener && !window.opener.closed) window.opener.postMessage(message, target);
  window.close();
})();
`;

export const CONSENT_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
main { max-width: 28rem; padding: 2rem; text-align: center; }
img { border-radius: 12px; }
.note { font-size: 0.875rem; opacity: 0.8; }
form { display: flex; gap: 0.75rem; justify-content: center; margin-top: 1.5rem; }
button { font: inherit; padding: 0.6rem 1.4rem; border-radius: 6px; border: 1px solid #0b5cab; background: #0b5cab; color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; }
button:focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
`;

/** Only an http(s) origin may be addressed; anything else falls back to the page's own origin. */
export function safeOrigin(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value ? url.origin : null;
  } catch {
    return null;
  }
}
