import type { Locator } from 'playwright-core';

import { sleep } from './connectFlow.ts';

/**
 * Gaps between keystrokes of a person typing at about 48 words a minute: 150–350 ms (mean 250 ms), from a fixed pseudo-random
 * sequence so that every run types the same way (the widget's debounce sees the same rhythm each time).
 */
export function keystrokeGaps(count: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 16807) % 2147483647; // Park–Miller: exact in doubles
    return 150 + (x % 201);
  });
}

/** Types `text` into `field` one key at a time with human gaps. */
export async function typeLikeAPerson(field: Locator, text: string): Promise<void> {
  await field.click();
  const gaps = keystrokeGaps(text.length);
  // Keys go out on a fixed schedule, so the time a key press takes to reach the page (slow on a busy machine) does
  // not stretch the gaps the widget's debounce sees.
  let due = Date.now();
  for (const [i, char] of [...text].entries()) {
    await field.press(char === ' ' ? 'Space' : char);
    due += gaps[i] ?? 250;
    await sleep(Math.max(0, due - Date.now()));
  }
}
