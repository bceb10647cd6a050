import { createSandbox } from 'member-connect/sandbox';

const sandbox = createSandbox();
// The sandbox's routes are rooted at `/`: strip the folder's path before handing the request on.
const handle = (request) => {
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/^\/sandbox/, '');
  return sandbox.fetch(new Request(url, request));
};
export { handle as DELETE, handle as GET, handle as POST, handle as PUT };
