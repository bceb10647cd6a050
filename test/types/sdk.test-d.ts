// Type tests for the entry `member-connect/sdk` (src/sdk/index.ts): the options a host passes to mountConnectWidget()
// and the handle it gets back. The SDK shares the React widget's host contract, so its results are the same types.
import { describe, expectTypeOf, it } from 'vitest';

import type {
  ConnectEvent as WidgetConnectEvent,
  ConnectExitResult as WidgetConnectExitResult,
  ConnectSuccessResult as WidgetConnectSuccessResult,
} from '../../src/index';
import {
  type ConnectedAccount,
  type ConnectEvent,
  type ConnectExitReason,
  type ConnectExitResult,
  type ConnectMode,
  type ConnectSuccessResult,
  type ConnectWidgetInstance,
  type FrameColorScheme,
  type FrameLocale,
  mountConnectWidget,
  type MountConnectWidgetOptions,
  type MxConnectEvent,
  type SessionTokenResponse,
} from '../../src/sdk/index';
import { preloadConnectFrame } from '../../src/sdk/preload';
import type { SessionTokenResponse as ServerSessionTokenResponse } from '../../src/server/index';

declare const container: HTMLElement;

describe('mountConnectWidget options', () => {
  it('needs frameUrl and sessionToken, nothing else', () => {
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 'token' });
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: async () => 'fresh token' });
    // @ts-expect-error sessionToken is required (the frame has no cookies of the partner's)
    mountConnectWidget({ frameUrl: '/frame/' });
    // @ts-expect-error frameUrl is required
    mountConnectWidget({ sessionToken: 'token' });
  });

  it('accepts the documented options', () => {
    const options: MountConnectWidgetOptions = {
      frameUrl: 'https://partner.example/connect/frame/',
      container,
      sessionToken: () => Promise.resolve('token'),
      proxyUrl: '/api/connect',
      institutionCode: 'mxbank',
      memberGuid: 'MBR-1',
      skipAggregation: true,
      mode: 'verification',
      locale: 'es',
      colorScheme: 'system',
      theme: { colorPrimary: '#0b5fff' },
      messages: { searchHeading: 'Elige tu banco' },
      title: 'Connect',
      zIndex: 10,
      onSuccess: (result) => expectTypeOf(result).toEqualTypeOf<ConnectSuccessResult>(),
      onExit: (result) => expectTypeOf(result.reason).toEqualTypeOf<ConnectExitReason>(),
      onEvent: (event) => expectTypeOf(event).toEqualTypeOf<ConnectEvent>(),
    };
    void options;
  });

  it('reads the token endpoint through the one documented contract, { sessionToken }', () => {
    expectTypeOf<SessionTokenResponse>().toEqualTypeOf<{ sessionToken: string }>();
    expectTypeOf<ServerSessionTokenResponse>().toEqualTypeOf<SessionTokenResponse>();
    const fromEndpoint = (body: SessionTokenResponse) => body.sessionToken;
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: async () => fromEndpoint({ sessionToken: 't' }) });
    // @ts-expect-error the endpoint's JSON object itself is not the token
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: async () => ({ sessionToken: 't' }) });
  });

  it('types the verification mode and the account it reports', () => {
    expectTypeOf<MountConnectWidgetOptions['mode']>().toEqualTypeOf<ConnectMode | undefined>();
    expectTypeOf<ConnectMode>().toEqualTypeOf<'aggregation' | 'verification'>();
    expectTypeOf<ConnectSuccessResult['account']>().toEqualTypeOf<ConnectedAccount | undefined>();
    // @ts-expect-error not a mode
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't', mode: 'identity' });
  });

  it('refuses wrong types and unknown options', () => {
    // @ts-expect-error container is an element, not a selector
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't', container: '#connect' });
    // @ts-expect-error not a locale the widget ships
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't', locale: 'de' });
    // @ts-expect-error not a theme token
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't', theme: { colourPrimary: 'red' } });
    // @ts-expect-error `modal` is decided by the SDK from `container`, not passed in
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't', modal: true });
    // @ts-expect-error unknown option
    mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't', apiKey: 'secret' });
  });
});

describe('the handle', () => {
  it('is close, back and destroy', () => {
    const widget = mountConnectWidget({ frameUrl: '/frame/', sessionToken: 't' });
    expectTypeOf(widget).toEqualTypeOf<ConnectWidgetInstance>();
    expectTypeOf<ConnectWidgetInstance>().toEqualTypeOf<{
      close(options?: { force?: boolean }): void;
      back(): void;
      destroy(): void;
    }>();
  });
});

describe('one host contract for the SDK and the React widget', () => {
  it('reports the same results and events', () => {
    expectTypeOf<ConnectSuccessResult>().toEqualTypeOf<WidgetConnectSuccessResult>();
    expectTypeOf<ConnectExitResult>().toEqualTypeOf<WidgetConnectExitResult>();
    expectTypeOf<ConnectEvent>().toEqualTypeOf<WidgetConnectEvent>();
  });

  it('keeps the earlier names as aliases', () => {
    expectTypeOf<MxConnectEvent>().toEqualTypeOf<ConnectEvent>();
    expectTypeOf<FrameLocale>().toEqualTypeOf<'en' | 'es' | 'fr-CA'>();
    expectTypeOf<FrameColorScheme>().toEqualTypeOf<'light' | 'dark' | 'system'>();
  });

  it('refuses an exit reason the widget never gives', () => {
    // @ts-expect-error not an exit reason
    const result: ConnectExitResult = { reason: 'closed' };
    void result;
  });
});

describe('member-connect/sdk/preload', () => {
  it('takes the frame URL and returns nothing to keep', () => {
    expectTypeOf(preloadConnectFrame).toEqualTypeOf<(frameUrl: string) => void>();
    // @ts-expect-error the frame URL is required
    preloadConnectFrame();
  });
});
