// Shared pieces of the widget stories: fast timings, the backend per story, and the user's moves in `play`.
import type { Decorator, Meta } from '@storybook/react-vite';
import type { SetupWorker } from 'msw/browser';
import { expect, fn, userEvent, within } from 'storybook/test';

import { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { type ConnectTiming, ConnectTimingContext, DEFAULT_TIMING } from '../../src/widget/flowContext';
import { installStoryBackend, PROXY_URL, type StoryBackend, type StoryBackendOptions } from './storyBackend';

/**
 * Polls, debounce and the retry back-off (100, 200, 400 ms instead of 1, 2, 4 s) shortened so that a story's flow takes
 * well under a second per step. A server's `Retry-After` is still honoured in full.
 */
export const STORY_TIMING: ConnectTiming = {
  ...DEFAULT_TIMING,
  pollSchedule: { delaysMs: [60] },
  searchDebounceMs: 30,
  retryBackoff: (failureCount) => 100 * 2 ** failureCount,
};

export const withStoryTiming: Decorator = (Story) => (
  <ConnectTimingContext.Provider value={STORY_TIMING}>
    <Story />
  </ConnectTimingContext.Provider>
);

/** `beforeEach` of every widget story: a fresh sandbox user and proxy, configured by `parameters.backend`. */
let current: StoryBackend | null = null;

export async function installBackendFromParameters(context: {
  parameters: Record<string, unknown>;
}): Promise<StoryBackend> {
  // The addon sets `context.msw` at run time; its type augmentation does not reach @storybook/react-vite's context.
  const { msw } = context as unknown as { msw: SetupWorker };
  current = await installStoryBackend(msw, context.parameters.backend as StoryBackendOptions | undefined);
  return current;
}

/** The backend of the story that is running, for `play` functions that act as the bank (e.g. an OAuth decision). */
export function currentBackend(): StoryBackend {
  if (current === null) throw new Error('No story backend is installed: is this a widget story?');
  return current;
}

type Canvas = ReturnType<typeof within>;

/** The `meta` shared by every widget story: the real `<ConnectWidget>` on the in-page backend. */
export const widgetMeta = {
  component: ConnectWidget,
  decorators: [withStoryTiming],
  beforeEach: async (context) => {
    await installBackendFromParameters(context);
  },
  // Stories start at search; the consent screen has its own stories (`skipConsent: false`).
  args: {
    proxyUrl: PROXY_URL,
    colorScheme: 'light',
    skipConsent: true,
    onSuccess: fn(),
    onExit: fn(),
    onEvent: fn(),
    onDone: fn(),
  },
  parameters: { layout: 'centered' },
  tags: ['!autodocs'],
} satisfies Meta<typeof ConnectWidget>;

/** A status, error or step change can take a few polls: wait long enough for that, not forever. */
export const SLOW = { timeout: 8000 };

export async function searchFor(canvas: Canvas, term: string) {
  const box = await canvas.findByRole('searchbox', { name: en.searchLabel }, SLOW);
  await userEvent.clear(box);
  // Pasted in one go so that only the final term is searched: typing would race the debounced intermediate results.
  await userEvent.click(box);
  await userEvent.paste(term);
}

/** Picks an institution from the search results (not from the favourites the results replace). */
export async function pickInstitution(canvas: Canvas, name: string | RegExp) {
  const list = await canvas.findByRole('listbox', { name: en.resultsHeading }, SLOW);
  await userEvent.click(within(list).getByRole('option', { name }));
}

/** Fills MX Bank's login form (Username + Password) and submits it. */
export async function logIn(canvas: Canvas, password: string, username = 'mxuser') {
  await userEvent.type(await canvas.findByLabelText('Username', {}, SLOW), username);
  await userEvent.type(canvas.getByLabelText('Password'), password);
  await userEvent.click(canvas.getByRole('button', { name: en.submit }));
}

/** From search to a submitted MX Bank login, as a person would do it. */
export async function connectMxBank(canvas: Canvas, password: string) {
  await searchFor(canvas, 'mx bank');
  await pickInstitution(canvas, /^MX Bank$/);
  await logIn(canvas, password);
}

export async function expectHeading(canvas: Canvas, name: string | RegExp) {
  await expect(await canvas.findByRole('heading', { name }, SLOW)).toBeVisible();
}
