import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import type { ConnectLocale } from '../../src/contract/hostContract';
import { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { ConnectTimingContext } from '../../src/widget/flowContext';
import { es } from '../../src/widget/locales/es';
import { frCA } from '../../src/widget/locales/frCA';
import { themeStyle } from '../../src/widget/theme';
import { createFakeBackend } from '../support/fakeBackend';
import { server } from '../support/mswServer';
import { expectNoAxeViolations, renderWidget, TEST_TIMING } from '../support/renderWidget';

/** A host page with its own language and appearance controls, as the demo partner page has. */
function HostWithSettings() {
  const [locale, setLocale] = useState<ConnectLocale>('en');
  const [scheme, setScheme] = useState<'light' | 'dark'>('light');
  return (
    <ConnectTimingContext.Provider value={TEST_TIMING}>
      <button type="button" onClick={() => setLocale('es')}>
        host: Spanish
      </button>
      <button type="button" onClick={() => setScheme('dark')}>
        host: dark
      </button>
      <ConnectWidget proxyUrl="/api/connect" locale={locale} colorScheme={scheme} skipConsent />
    </ConnectTimingContext.Provider>
  );
}

describe('look and language', { timeout: 20_000 }, () => {
  it('loads Spanish lazily, without accessibility violations', async () => {
    const { container } = renderWidget({ locale: 'es' });
    expect(await screen.findByRole('heading', { name: 'Selecciona tu institución' })).toBeInTheDocument();
    expect(container.querySelector('.mc-root')).toHaveAttribute('lang', 'es');
    await expectNoAxeViolations(container);
  });

  it('speaks Canadian French and applies message overrides', async () => {
    renderWidget({ locale: 'fr-CA', messages: { searchHeading: 'Trouvez votre caisse' } });
    expect(await screen.findByRole('heading', { name: 'Trouvez votre caisse' })).toBeInTheDocument();
    expect(screen.getByLabelText('Recherchez votre banque')).toBeInTheDocument();
  });

  it('changes language and colour scheme in place, keeping the step and what the user typed', async () => {
    server.use(...createFakeBackend().handlers);
    const user = userEvent.setup();
    const { container } = render(<HostWithSettings />);
    await user.type(await screen.findByLabelText('Search for your bank'), 'MX Bank');
    await user.click(await screen.findByRole('option', { name: /^MX Bank$/ }));
    await user.type(await screen.findByLabelText('Username'), 'mxuser');

    await user.click(screen.getByRole('button', { name: 'host: dark' }));
    expect(container.querySelector('.mc-root')).toHaveAttribute('data-color-scheme', 'dark');
    await user.click(screen.getByRole('button', { name: 'host: Spanish' }));
    expect(await screen.findByRole('heading', { name: 'Inicia sesión en MX Bank' })).toBeInTheDocument();
    // Same step, same form: nothing was re-mounted.
    expect(screen.getByLabelText('Username')).toHaveValue('mxuser');
    expect(screen.queryByLabelText('Search for your bank')).toBeNull();
  });

  it('has every message in every locale, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of [es, frCA]) {
      expect(Object.keys(locale).sort()).toEqual(Object.keys(en).sort());
      for (const [id, text] of Object.entries(en)) {
        expect(placeholders(locale[id as keyof typeof en]), id).toEqual(placeholders(text));
      }
    }
  });

  it('sets theme tokens as custom properties on its own root and the colour scheme as an attribute', async () => {
    const { container } = renderWidget({ colorScheme: 'dark', theme: { colorPrimary: '#123456', radius: '2px' } });
    await screen.findByRole('listbox', { name: 'Popular institutions' });
    const root = container.querySelector<HTMLElement>('.mc-root');
    expect(root).toHaveAttribute('data-color-scheme', 'dark');
    expect(root?.style.getPropertyValue('--mc-color-primary')).toBe('#123456');
    expect(root?.style.getPropertyValue('--mc-radius')).toBe('2px');
    expect(document.documentElement.style.getPropertyValue('--mc-color-primary')).toBe('');
    // Nothing was injected into the page: no <style> element at all.
    expect(document.querySelectorAll('style')).toHaveLength(0);
  });

  it('drops theme values that could break out of a declaration', () => {
    expect(themeStyle({ colorPrimary: 'red; background: url(x)', fontFamily: 'Inter' })).toEqual({
      '--mc-font-family': 'Inter',
    });
  });
});
