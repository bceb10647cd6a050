import { setupServer } from 'msw/node';

import { createFakeBackend } from './fakeBackend';

// Default handlers: the real proxy in front of the real sandbox. A test that needs a fresh bank (its own members)
// calls `server.use(...createFakeBackend().handlers)`; renderWidget() does that for every widget it renders.
export const server = setupServer(...createFakeBackend().handlers);
