import { proxy } from '../../../../lib/connect.js';

const handle = (request) => proxy.fetch(request);
export { handle as DELETE, handle as GET, handle as POST, handle as PUT };
