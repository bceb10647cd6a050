// Public entry `member-connect/sdk/preload`: its own entry so that `member-connect/sdk` (1.5 kB gzip) does not
// grow for pages that never preload. Nothing runs at import time.

/**
 * Loads the frame bundle into the browser's HTTP cache before the person asks for it (on page load, or when the
 * pointer nears your button), so that `mountConnectWidget` then opens without downloading it. A hidden iframe loads
 * `frameUrl` without the `#origin` fragment the SDK adds: the frame then renders nothing, calls no API, talks to no
 * window and asks for no token. It removes itself once loaded; its files stay cached (hashed names, cached immutably).
 * @example
 * preloadConnectFrame('/connect/frame/');
 */
export function preloadConnectFrame(frameUrl: string): void {
  const iframe = document.createElement('iframe');
  iframe.hidden = true;
  iframe.src = frameUrl;
  iframe.onload = () => iframe.remove();
  document.body.append(iframe);
}
