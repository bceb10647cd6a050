import type { MiddlewareHandler } from 'hono';

import type { StatusBus } from '../statusBus.ts';
import { statusTopic } from '../statusBus.ts';
import type { ProxyEnv } from './proxyEnv.ts';

/**
 * Once MX has accepted a write that starts a job on a member (an MFA answer, new credentials, an aggregation, a
 * verification), a notice on the status bus, as a webhook would give: every instance watching that member reads its
 * status at once, and a watcher that had slowed down while MX waited on the person's answer goes back to its pace. Not
 * awaited: the answer does not wait on the bus, and a lost notice costs only a slower status read.
 */
export function announceJobStart(bus: StatusBus): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    await next();
    const { userGuid, upstreamStatus } = c.get('proxyState');
    const memberGuid = c.req.param('member_guid');
    if (userGuid === null || memberGuid === undefined || upstreamStatus === undefined) return;
    if (upstreamStatus < 200 || upstreamStatus >= 300) return;
    void statusTopic(userGuid, memberGuid)
      .then((topic) => bus.publish(topic))
      .catch(() => undefined);
  };
}
