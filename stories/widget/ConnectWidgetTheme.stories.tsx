import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';

import type { ConnectTheme } from '../../src/contract/hostContract';
import type { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { THEME_PROPERTIES } from '../../src/widget/theme';
import { expectHeading, SLOW, widgetMeta } from '../support/storyWidget';

/**
 * The `theme` prop and `colorScheme`: tokens become CSS custom properties on the widget root and nowhere else, so the
 * host page (and any other widget on it) keeps its own styles. Deep-linked to MX Bank's login so the primary button,
 * fields and text are all on screen.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/ConnectWidgetTheme',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  args: { ...widgetMeta.args, institutionCode: 'mxbank' },
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

// The root has no landmark role (several widgets may share a page), so it is found by its class.
const widgetRoot = (canvasElement: HTMLElement): HTMLElement => {
  const root = canvasElement.querySelector<HTMLElement>('.mc-root');
  if (root === null) throw new Error('The widget root (.mc-root) is not on the page.');
  return root;
};
const token = (element: Element, name: keyof ConnectTheme) =>
  getComputedStyle(element).getPropertyValue(THEME_PROPERTIES[name]).trim();

/** Resolves any CSS colour to the `rgb(…)` form computed styles use. */
const rgb = (color: string): string => {
  const probe = document.createElement('span');
  probe.style.color = color;
  document.body.append(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  return resolved;
};

/** No token leaks out of the widget: the page's body and root element have none of them. */
async function expectNoTokensOutside() {
  for (const name of Object.keys(THEME_PROPERTIES) as (keyof ConnectTheme)[]) {
    await expect(token(document.body, name)).toBe('');
    await expect(token(document.documentElement, name)).toBe('');
  }
}

async function loginForm(canvas: Parameters<NonNullable<Story['play']>>[0]['canvas']) {
  await expectHeading(canvas, 'Log in to MX Bank');
  return canvas.findByRole('button', { name: en.submit }, SLOW);
}

// A partner brand that keeps AA contrast: white on plum, dark brown text on cream.
const BRAND: Partial<ConnectTheme> = {
  colorPrimary: '#5b2a86',
  colorOnPrimary: '#ffffff',
  colorBackground: '#fffaf0',
  colorSurface: '#f4ecdf',
  colorText: '#2b2118',
  colorTextMuted: '#584a3c',
  colorBorder: '#7a6a58',
  colorFocus: '#5b2a86',
  fontFamily: 'Georgia, serif',
  radius: '2px',
};

/** Custom tokens through `theme`: set on the widget root, used by what is inside, absent from the page. */
export const CustomTheme: Story = {
  args: { theme: BRAND, colorScheme: 'light' },
  play: async ({ canvas, canvasElement }) => {
    const submit = await loginForm(canvas);
    const root = widgetRoot(canvasElement);
    await expect(token(root, 'colorPrimary')).toBe('#5b2a86');
    await expect(token(root, 'colorBackground')).toBe('#fffaf0');
    await expect(token(root, 'radius')).toBe('2px');
    // Tokens not given keep the scheme's defaults.
    await expect(token(root, 'colorError')).toBe('#b3261e');
    // Set inline on the root, i.e. only there.
    await expect(root.style.getPropertyValue('--mc-color-primary')).toBe('#5b2a86');

    const rootStyle = getComputedStyle(root);
    await expect(rootStyle.backgroundColor).toBe(rgb('#fffaf0'));
    await expect(rootStyle.color).toBe(rgb('#2b2118'));
    await expect(rootStyle.fontFamily).toContain('Georgia');
    const button = getComputedStyle(submit);
    await expect(button.backgroundColor).toBe(rgb('#5b2a86'));
    await expect(button.color).toBe(rgb('#ffffff'));
    await expect(button.borderTopLeftRadius).toBe('2px');

    await expectNoTokensOutside();
    await expect(getComputedStyle(document.body).backgroundColor).not.toBe(rgb('#fffaf0'));
    await expect(getComputedStyle(document.body).fontFamily).not.toContain('Georgia');
  },
};

// Light accents for a dark scheme: the theme applies to both schemes, so a dark host passes values that suit it.
const DARK_ACCENT: Partial<ConnectTheme> = {
  colorPrimary: '#ffb86b',
  colorOnPrimary: '#2b1600',
  colorFocus: '#ffb86b',
};

/** A theme on the dark scheme: the given tokens win over the dark defaults, the others stay dark. */
export const CustomThemeDark: Story = {
  args: { theme: DARK_ACCENT, colorScheme: 'dark' },
  parameters: { backgrounds: { value: 'dark' } },
  play: async ({ canvas, canvasElement }) => {
    const submit = await loginForm(canvas);
    const root = widgetRoot(canvasElement);
    await expect(token(root, 'colorPrimary')).toBe('#ffb86b');
    await expect(token(root, 'colorBackground')).toBe('#16191d');
    await expect(getComputedStyle(submit).backgroundColor).toBe(rgb('#ffb86b'));
    await expect(getComputedStyle(submit).color).toBe(rgb('#2b1600'));
    await expectNoTokensOutside();
  },
};

const LIGHT = { background: '#ffffff', text: '#1a1f24', primary: '#0b5cab' };
const DARK = { background: '#16191d', text: '#e8eaed', primary: '#8cc4ff' };

async function expectScheme(
  root: HTMLElement,
  submit: HTMLElement,
  scheme: typeof LIGHT,
  colorScheme: 'light' | 'dark',
) {
  await expect(token(root, 'colorBackground')).toBe(scheme.background);
  await expect(getComputedStyle(root).backgroundColor).toBe(rgb(scheme.background));
  await expect(getComputedStyle(root).color).toBe(rgb(scheme.text));
  await expect(getComputedStyle(root).colorScheme).toBe(colorScheme);
  await expect(getComputedStyle(submit).backgroundColor).toBe(rgb(scheme.primary));
  await expectNoTokensOutside();
}

export const ColorSchemeLight: Story = {
  args: { colorScheme: 'light' },
  play: async ({ canvas, canvasElement }) => {
    const submit = await loginForm(canvas);
    const root = widgetRoot(canvasElement);
    await expect(root).toHaveAttribute('data-color-scheme', 'light');
    await expectScheme(root, submit, LIGHT, 'light');
  },
};

export const ColorSchemeDark: Story = {
  args: { colorScheme: 'dark' },
  parameters: { backgrounds: { value: 'dark' } },
  play: async ({ canvas, canvasElement }) => {
    const submit = await loginForm(canvas);
    const root = widgetRoot(canvasElement);
    await expect(root).toHaveAttribute('data-color-scheme', 'dark');
    await expectScheme(root, submit, DARK, 'dark');
  },
};

/** `system` follows the browser's `prefers-color-scheme`, whichever it is where the story runs. */
export const ColorSchemeSystem: Story = {
  args: { colorScheme: 'system' },
  play: async ({ canvas, canvasElement }) => {
    const submit = await loginForm(canvas);
    const root = widgetRoot(canvasElement);
    await expect(root).toHaveAttribute('data-color-scheme', 'system');
    const prefersDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    await expectScheme(root, submit, prefersDark ? DARK : LIGHT, prefersDark ? 'dark' : 'light');
  },
};
