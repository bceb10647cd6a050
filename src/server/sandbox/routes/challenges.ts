// MFA: `GET …/challenges` (204 when not CHALLENGED) and `PUT …/resume` (every pending challenge answered at once).
import { Hono } from 'hono';

import { jsonBody, ResumeBody } from '../bodies.ts';
import type { SandboxDeps, SandboxEnv } from '../context.ts';
import { fail, json, memberOut } from '../context.ts';
import { challengeWire, currentChallenges, resume } from '../memberState.ts';
import { paginate } from '../pagination.ts';

export function challengesRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/users/:user_guid/members/:member_guid/challenges', (c) => {
    const challenges = currentChallenges(c.get('member'));
    if (!challenges) return c.body(null, 204);
    const { items, pagination } = paginate(challenges, c.req.query(), 1000);
    return json(c, { challenges: items.map(challengeWire), pagination });
  });

  app.put('/users/:user_guid/members/:member_guid/resume', jsonBody(ResumeBody), (c) => {
    const record = c.get('member');
    const answers = c.req.valid('json').member.challenges ?? fail(400, '"member.challenges" is required.');
    if (record.status !== 'CHALLENGED')
      fail(405, `Member is not CHALLENGED (connection_status is ${record.status}); there is nothing to resume.`);
    const problem = resume(record, answers, deps.now());
    if (problem?.kind === 'missing') fail(400, 'Every pending challenge must be answered in one resume request.');
    if (problem?.kind === 'unknown')
      fail(400, `Challenge ${problem.guid.slice(0, 60)} is not pending for this member.`);
    deps.events.observe(record);
    return json(c, { member: memberOut(deps, record) }, 202);
  });

  return app;
}
