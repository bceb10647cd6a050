import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';

import type { ConnectWidget } from '../../src/widget/ConnectWidget';
import { en } from '../../src/widget/copy';
import { expectHeading, widgetMeta } from '../support/storyWidget';

/**
 * A host page whose text styles would leak into the widget through inheritance (issue 14: `text-align: center` on a
 * parent centred the widget's text). The widget root resets every inherited text property to its default.
 */
const meta = {
  ...widgetMeta,
  title: 'widget/ConnectWidgetHostStyles',
  // Written out (not only inherited from widgetMeta): the story indexer reads tags statically.
  tags: ['!autodocs'],
  decorators: [
    ...(widgetMeta.decorators ?? []),
    (Story) => (
      <div
        style={{
          textAlign: 'center',
          textTransform: 'uppercase',
          letterSpacing: '0.3em',
          wordSpacing: '1em',
          whiteSpace: 'pre',
          fontStyle: 'italic',
          fontWeight: 700,
          textIndent: '3em',
          textShadow: '1px 1px 2px red',
        }}
      >
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof ConnectWidget>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The search step inside a centred, capitalised, spaced-out host: none of it reaches the widget's text. */
export const InsideAStyledHost: Story = {
  play: async ({ canvas, canvasElement }) => {
    await expectHeading(canvas, en.searchHeading);
    const heading = canvas.getByRole('heading', { name: en.searchHeading });
    const root = canvasElement.querySelector<HTMLElement>('.mc-root');
    if (root === null) throw new Error('The widget root (.mc-root) is not on the page.');
    // The host's styles are really there, one level up.
    await expect(getComputedStyle(root.parentElement as HTMLElement).textAlign).toBe('center');
    for (const element of [root, heading]) {
      const style = getComputedStyle(element);
      await expect(style.textAlign).toBe('start');
      await expect(style.textTransform).toBe('none');
      await expect(style.letterSpacing).toBe('normal');
      await expect(style.wordSpacing).toBe('0px');
      await expect(style.whiteSpace).toBe('normal');
      await expect(style.fontStyle).toBe('normal');
      await expect(style.textIndent).toBe('0px');
      await expect(style.textShadow).toBe('none');
    }
  },
};
