// The framework-free SDK as a partner types it, with the one token contract.
import { mountConnectWidget, type SessionTokenResponse } from 'member-connect/sdk';
import { preloadConnectFrame } from 'member-connect/sdk/preload';

preloadConnectFrame('/connect/frame/');

const widget = mountConnectWidget({
  frameUrl: '/connect/frame/',
  sessionToken: () =>
    fetch('/connect-token')
      .then((response) => response.json() as Promise<SessionTokenResponse>)
      .then((body) => body.sessionToken),
  onExit: ({ reason }) => console.log(reason === 'frameError'),
});
widget.close();

// @ts-expect-error the token endpoint's JSON is not the token
mountConnectWidget({ frameUrl: '/f/', sessionToken: async () => ({ sessionToken: 't' }) });
