import type { Locator } from 'playwright-core';

import { sleep } from './connectFlow.ts';

/**
 * Gaps between keystrokes of a person typing at about 50 words a minute: 120–300 ms, from a fixed pseudo-random
 * sequence so that every run types the same way (the widget's debounce sees the same rhythm each time).
 */
export function keystrokeGaps(count: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return 120 + (x % 181);
  });
}

/** Types `text` into `field` one key at a time with human gaps. */
export async function typeLikeAPerson(field: Locator, text: string): Promise<void> {
  await field.click();
  const gaps = keystrokeGaps(text.length);
  for (const [i, char] of [...text].entries()) {
    await field.press(char === ' ' ? 'Space' : char);
    await sleep(gaps[i] ?? 150);
  }
}
