import { ensureMxUser } from 'member-connect/server';

import { mx, tokens } from '../../lib/connect.js';

// Your signed-in user → their MX user (created once) → a short-lived token: `{ sessionToken }`.
export async function GET() {
  const userGuid = await ensureMxUser({ ...mx, id: 'example-user-1' }); // your own user id here
  return Response.json({ sessionToken: await tokens.issue(userGuid) }, { headers: { 'Cache-Control': 'no-store' } });
}
