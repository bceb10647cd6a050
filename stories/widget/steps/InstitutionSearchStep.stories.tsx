import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';

import type { ConnectWidget } from '../../../src/widget/ConnectWidget';
import { en } from '../../../src/widget/copy';
import { expectHeading, searchFor, SLOW, widgetMeta } from '../../support/storyWidget';

const meta = {
  ...widgetMeta,
  title: 'widget/steps/InstitutionSearchStep',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Favorites: Story = {
  play: async ({ canvas }) => {
    await expectHeading(canvas, en.popularHeading);
    // The heading stands over the skeleton already: wait for the real list.
    const list = await canvas.findByRole('listbox', { name: en.popularHeading }, SLOW);
    await expect(within(list).getByRole('option', { name: /^MX Bank$/ })).toBeVisible();
    await expect(within(list).getByRole('option', { name: 'MX Bank (OAuth)' })).toBeVisible();
  },
};

export const Results: Story = {
  play: async ({ canvas }) => {
    await searchFor(canvas, 'credit union');
    const list = within(await canvas.findByRole('listbox', { name: en.resultsHeading }, SLOW));
    await expect(list.getAllByRole('option').length).toBeGreaterThan(1);
    for (const button of list.getAllByRole('option')) await expect(button).toHaveTextContent(/credit union/i);
  },
};

/** More than one page of results: "Show more" appends the next page. */
export const Paging: Story = {
  play: async ({ canvas }) => {
    await searchFor(canvas, 'bank');
    const list = await canvas.findByRole('listbox', { name: en.resultsHeading }, SLOW);
    await expect(within(list).getAllByRole('option')).toHaveLength(25);
    await expect(canvas.getByText(/^Showing 25 of \d+ institutions\.$/)).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: en.showMore }));
    await expect(await canvas.findByText(/^Showing 50 of \d+ institutions\.$/, {}, SLOW)).toBeVisible();
    await expect(within(list).getAllByRole('option')).toHaveLength(50);
  },
};

/** Nothing matches: spelling advice, and "My bank isn't listed" ends the session with its own reason. */
export const Empty: Story = {
  play: async ({ canvas, args }) => {
    await searchFor(canvas, 'zzqx no such bank');
    await expect(await canvas.findByText('No institutions match “zzqx no such bank”.', {}, SLOW)).toBeVisible();
    await expect(canvas.getByText(en.noResultsAdvice)).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: en.notListed }));
    await expect(args.onExit).toHaveBeenCalledWith({ reason: 'institutionNotListed' });
  },
};

/** The favourites request never answers: skeleton tiles hold the place, a hidden status says "Loading…". */
export const Loading: Story = {
  parameters: { backend: { hang: [{ path: /\/institutions\/favorites$/ }] } },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('status', {}, SLOW)).toHaveTextContent(en.loading);
    await expect(canvasElement.querySelectorAll('.mc-skeleton .mc-option').length).toBeGreaterThan(0);
  },
};

/** The search request never answers. */
export const Searching: Story = {
  parameters: { backend: { hang: [{ path: /\/institutions$/ }] } },
  play: async ({ canvas, canvasElement }) => {
    await searchFor(canvas, 'mx bank');
    // The popular list's own "Loading…" may be the status for a moment before the search starts.
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(en.searching), SLOW);
    await expect(canvasElement.querySelectorAll('.mc-skeleton .mc-option').length).toBeGreaterThan(0);
  },
};

/** Every search answers 500 (sandbox fault): said at once, while the widget retries in the background. */
export const ServerError: Story = {
  parameters: { backend: { faults: [{ path: /\/institutions$/, fault: '500' }] } },
  play: async ({ canvas }) => {
    await searchFor(canvas, 'mx bank');
    const alert = await canvas.findByRole('alert', {}, SLOW);
    await expect(alert).toHaveTextContent(en.searchRetrying);
    await expect(alert).toHaveTextContent(en.searchError);
    await expect(alert).toHaveTextContent(en.serverError);
    await expect(within(alert).getByRole('button', { name: en.retry })).toBeVisible();
  },
};

/** The favourites answer 429: the user is told to wait. */
export const RateLimited: Story = {
  parameters: { backend: { faults: [{ path: /\/institutions\/favorites$/, fault: '429;retry-after=0' }] } },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('alert', {}, SLOW)).toHaveTextContent(en.rateLimited);
  },
};
