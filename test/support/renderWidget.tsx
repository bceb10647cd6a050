import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import type { HttpHandler } from 'msw';
import { StrictMode } from 'react';
import { expect, vi } from 'vitest';

import type { ConnectEvent } from '../../src/contract/hostContract';
import type { ConnectWidgetHandle } from '../../src/widget/ConnectFlow';
import { ConnectWidget, type ConnectWidgetProps } from '../../src/widget/ConnectWidget';
import { type ConnectTiming, ConnectTimingContext } from '../../src/widget/flowContext';
import { createFakeBackend, type FakeBackend, type FakeBackendOptions } from './fakeBackend';
import { server } from './mswServer';

/** Fast timings for tests: polls every few ms, no search debounce. */
export const TEST_TIMING: ConnectTiming = {
  pollSchedule: { delaysMs: [10, 20] },
  searchDebounceMs: 0,
  requestTimeoutMs: 5000,
};

export interface RenderWidgetOptions {
  backend?: FakeBackend | FakeBackendOptions;
  timing?: Partial<ConnectTiming>;
  strict?: boolean;
  /** Handlers that take precedence over the fake backend (faults, odd payloads). */
  overrides?: HttpHandler[];
}

/** Renders <ConnectWidget> against a fresh fake bank (sandbox + proxy) with recording callbacks. */
export function renderWidget(props: Partial<ConnectWidgetProps> = {}, options: RenderWidgetOptions = {}) {
  const backend =
    options.backend !== undefined && 'handlers' in options.backend
      ? options.backend
      : createFakeBackend(options.backend);
  server.use(...backend.handlers);
  if (options.overrides !== undefined) server.use(...options.overrides);
  const onSuccess = vi.fn<NonNullable<ConnectWidgetProps['onSuccess']>>();
  const onExit = vi.fn<NonNullable<ConnectWidgetProps['onExit']>>();
  const onEvent = vi.fn<(event: ConnectEvent) => void>();
  const handle: { current: ConnectWidgetHandle | null } = { current: null };
  const user = userEvent.setup();
  const timing = { ...TEST_TIMING, ...options.timing };
  const element = (
    <ConnectTimingContext.Provider value={timing}>
      <ConnectWidget
        ref={(value) => {
          handle.current = value;
        }}
        proxyUrl="/api/connect"
        // Most tests start at search; the consent screen has its own tests (pass `skipConsent: false`).
        skipConsent
        onSuccess={onSuccess}
        onExit={onExit}
        onEvent={onEvent}
        {...props}
      />
    </ConnectTimingContext.Provider>
  );
  const utils = render(options.strict === true ? <StrictMode>{element}</StrictMode> : element);
  const eventTypes = () => onEvent.mock.calls.map(([event]) => event.type);
  return { ...utils, user, backend, onSuccess, onExit, onEvent, eventTypes, handle };
}

/**
 * Runs axe on the rendered widget. Colour contrast is checked in Chromium (stories), not here: jsdom computes no
 * styles, so axe can only report it as incomplete. `pageRules` turns off page-level rules (e.g. `region`) when the
 * whole test document, which has no host-page landmarks, is checked.
 */
export async function expectNoAxeViolations(container: Element, pageRules: readonly string[] = []): Promise<void> {
  const rules = Object.fromEntries(['color-contrast', ...pageRules].map((id) => [id, { enabled: false }]));
  const result = await axe.run(container, { rules });
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
