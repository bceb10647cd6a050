// Type tests for the entry `member-connect` (src/index.ts): what a React host can and cannot write. Run by
// `npm run test:types` (Vitest typecheck) and by `npm run typecheck`; every @ts-expect-error fails when it stops erring.
import type { ComponentProps, ComponentRef } from 'react';
import { createRef } from 'react';
import { describe, expectTypeOf, it } from 'vitest';

import {
  type CONNECT_EVENT_NAMES,
  type ConnectColorScheme,
  type ConnectEvent,
  type ConnectEventName,
  type ConnectExitReason,
  type ConnectExitResult,
  type ConnectLocale,
  type ConnectStepName,
  type ConnectSuccessResult,
  ConnectWidget,
  type ConnectWidgetHandle,
  type ConnectWidgetProps,
} from '../../src/index';

describe('ConnectWidget props', () => {
  it('needs only proxyUrl', () => {
    expectTypeOf<Pick<ConnectWidgetProps, 'proxyUrl'>>().toEqualTypeOf<{ proxyUrl: string }>();
    expectTypeOf<ConnectWidgetProps>().toExtend<{ proxyUrl: string }>();
    void (<ConnectWidget proxyUrl="/api/connect" />);
    // @ts-expect-error proxyUrl is required
    void (<ConnectWidget />);
  });

  it('accepts the documented options and callbacks', () => {
    void (
      <ConnectWidget
        proxyUrl="/api/connect"
        sessionToken={async () => 'token'}
        institutionCode="mxbank"
        memberGuid="MBR-1"
        skipAggregation
        mode="verification"
        locale="fr-CA"
        colorScheme="dark"
        theme={{ colorPrimary: '#0b5fff', radius: '8px' }}
        messages={{ searchHeading: 'Pick your bank' }}
        onSuccess={(result) => expectTypeOf(result).toEqualTypeOf<ConnectSuccessResult>()}
        onExit={(result) => expectTypeOf(result).toEqualTypeOf<ConnectExitResult>()}
        onEvent={(event) => expectTypeOf(event).toEqualTypeOf<ConnectEvent>()}
      />
    );
    expectTypeOf<ConnectWidgetProps['sessionToken']>().toEqualTypeOf<
      string | (() => string | Promise<string>) | undefined
    >();
  });

  it('refuses wrong types and unknown props', () => {
    // @ts-expect-error proxyUrl is a string
    void (<ConnectWidget proxyUrl={new URL('https://partner.example/api/connect')} />);
    // @ts-expect-error not a locale the widget ships
    void (<ConnectWidget proxyUrl="/api/connect" locale="de" />);
    // @ts-expect-error mode is aggregation or verification
    void (<ConnectWidget proxyUrl="/api/connect" mode="identity" />);
    // @ts-expect-error colorScheme is light, dark or system
    void (<ConnectWidget proxyUrl="/api/connect" colorScheme="sepia" />);
    // @ts-expect-error not a theme token
    void (<ConnectWidget proxyUrl="/api/connect" theme={{ colourPrimary: 'red' }} />);
    // @ts-expect-error not a message id
    void (<ConnectWidget proxyUrl="/api/connect" messages={{ noSuchMessage: 'x' }} />);
    // @ts-expect-error unknown prop
    void (<ConnectWidget proxyUrl="/api/connect" apiKey="secret" />);
    // @ts-expect-error onSuccess receives a result object, not a string
    void (<ConnectWidget proxyUrl="/api/connect" onSuccess={(guid: string) => guid} />);
  });

  it('exposes back() and close() through a ref', () => {
    expectTypeOf<ComponentRef<typeof ConnectWidget>>().toEqualTypeOf<ConnectWidgetHandle>();
    expectTypeOf<ConnectWidgetHandle>().toEqualTypeOf<{ back(): void; close(options?: { force?: boolean }): void }>();
    const ref = createRef<ConnectWidgetHandle>();
    void (<ConnectWidget ref={ref} proxyUrl="/api/connect" />);
    expectTypeOf<ComponentProps<typeof ConnectWidget>>().toExtend<ConnectWidgetProps>();
  });
});

describe('results and exit reasons', () => {
  it('names every exit reason', () => {
    expectTypeOf<ConnectExitReason>().toEqualTypeOf<
      | 'userCancelled'
      | 'sessionExpired'
      | 'actionRequired'
      | 'institutionError'
      | 'connectionUnavailable'
      | 'unmounted'
      | 'widgetError'
      | 'frameError'
      | 'institutionNotListed'
    >();
    const exit: ConnectExitResult = { reason: 'userCancelled', memberGuid: 'MBR-1' };
    // @ts-expect-error not an exit reason
    const wrong: ConnectExitResult = { reason: 'closed' };
    void [exit, wrong];
  });

  it('shapes success and exit results', () => {
    expectTypeOf<ConnectSuccessResult>().toEqualTypeOf<{
      memberGuid: string;
      institutionCode: string;
      accounts: { guid: string; name: string; type: string | null; lastFour: string | null }[];
      account?: { guid: string; name: string; type: string | null; lastFour: string | null };
    }>();
    expectTypeOf<ConnectExitResult>().toEqualTypeOf<{
      reason: ConnectExitReason;
      memberGuid?: string;
      institutionCode?: string;
      message?: string;
    }>();
  });

  it('ships three locales and three colour schemes', () => {
    expectTypeOf<ConnectLocale>().toEqualTypeOf<'en' | 'es' | 'fr-CA'>();
    expectTypeOf<ConnectColorScheme>().toEqualTypeOf<'light' | 'dark' | 'system'>();
  });
});

describe('events', () => {
  it('lists every event name at run time', () => {
    expectTypeOf<(typeof CONNECT_EVENT_NAMES)[number]>().toEqualTypeOf<ConnectEventName>();
  });

  it('narrows metadata by event type, in MX wire shape', () => {
    const onEvent = (event: ConnectEvent) => {
      expectTypeOf(event.mx).toEqualTypeOf<true>();
      if (event.type === 'mx/connect/memberConnected') {
        expectTypeOf(event.metadata).toEqualTypeOf<{ member_guid: string; institution_code: string }>();
      }
      if (event.type === 'mx/connect/stepChange') {
        expectTypeOf(event.metadata.current).toEqualTypeOf<ConnectStepName>();
      }
    };
    void onEvent;
    // @ts-expect-error event types carry the mx/connect/ prefix
    const unprefixed: ConnectEvent['type'] = 'memberConnected';
    void unprefixed;
  });
});
