import type { CSSProperties } from 'react';

import type { ConnectTheme } from '../contract/hostContract';

export const THEME_PROPERTIES = {
  colorPrimary: '--mc-color-primary',
  colorOnPrimary: '--mc-color-on-primary',
  colorBackground: '--mc-color-background',
  colorSurface: '--mc-color-surface',
  colorText: '--mc-color-text',
  colorTextMuted: '--mc-color-text-muted',
  colorBorder: '--mc-color-border',
  colorError: '--mc-color-error',
  colorSuccess: '--mc-color-success',
  colorFocus: '--mc-color-focus',
  fontFamily: '--mc-font-family',
  fontSize: '--mc-font-size',
  radius: '--mc-radius',
  spacing: '--mc-spacing',
} as const satisfies Record<keyof ConnectTheme, `--mc-${string}`>;

/** Inline custom properties go through the CSSOM, which a strict CSP allows (no style element is created). */
export function themeStyle(theme: Partial<ConnectTheme> | undefined): CSSProperties | undefined {
  if (theme === undefined) return undefined;
  const style: Record<string, string> = {};
  for (const key of Object.keys(THEME_PROPERTIES) as (keyof ConnectTheme)[]) {
    const value = theme[key];
    // A value that could close the declaration is dropped rather than trusted.
    if (typeof value === 'string' && value !== '' && !/[;{}]/.test(value)) style[THEME_PROPERTIES[key]] = value;
  }
  return style as CSSProperties;
}
