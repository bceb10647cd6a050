import { setupServer } from 'msw/node';

// The default handlers are added once the fake backend (sandbox + proxy) exists; tests add theirs with server.use().
export const server = setupServer();
