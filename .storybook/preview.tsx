import type { Preview } from '@storybook/react-vite';
import { initialize, mswLoader } from 'msw-storybook-addon';

import '../src/widget/styles.css';

initialize({ onUnhandledRequest: 'error', quiet: true });

const preview: Preview = {
  loaders: [mswLoader],
  tags: ['autodocs'],
  parameters: {
    // Every story is also an accessibility test: a violation fails `npm test`.
    a11y: { test: 'error' },
  },
};

export default preview;
