// OAuth popups in stories. A real popup would leave the page for the sandbox's consent page, which only exists inside
// this page; so `window.open` is replaced for the story and the story acts as the bank through the sandbox itself.
import { currentBackend } from './storyWidget';

export interface FakePopup {
  /** The OAuth URL the widget sent the popup to, once it did. */
  url: () => string | null;
  /** What the person does with the window's own close button. */
  closeWindow: () => void;
  restore: () => void;
}

/** `blocked`: `window.open` returns null, as when the browser's popup blocker steps in. */
export function stubWindowOpen(mode: 'opens' | 'blocked'): FakePopup {
  const original = window.open;
  let url: string | null = null;
  const popup = {
    closed: false,
    opener: window as Window | null,
    focus() {},
    location: {
      replace: (next: string) => {
        url = next;
      },
    },
    close() {
      popup.closed = true;
    },
  };
  window.open = () => (mode === 'blocked' ? null : (popup as unknown as Window));
  return {
    url: () => url,
    closeWindow: () => {
      popup.closed = true;
    },
    restore: () => {
      window.open = original;
    },
  };
}

/** Does what the user's click on the sandbox consent page does: authorize or deny the OAuth request at `url`. */
export async function decideOAuth(url: string, decision: 'authorize' | 'deny'): Promise<void> {
  const { sandboxFetch } = currentBackend();
  const path = new URL(url).pathname;
  const page = await (await sandboxFetch(path, { headers: { Accept: 'text/html' } })).text();
  const session = /name="session" value="([^"]+)"/.exec(page)?.[1];
  if (session === undefined) throw new Error(`No consent session on the sandbox page for ${path}`);
  const body = new URLSearchParams({ session, opener_origin: location.origin, decision });
  const answer = await sandboxFetch('/oauth/decision', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!answer.ok) throw new Error(`The sandbox refused the OAuth decision: HTTP ${answer.status}`);
}
