// Users: `POST /users`, `GET /users`, `GET|PUT|DELETE /users/{user_guid}` (deleting a user deletes its members).
import { Hono } from 'hono';

import { jsonBody, UserBody } from '../bodies.ts';
import type { SandboxDeps, SandboxEnv, Schemas } from '../context.ts';
import { fail, json } from '../context.ts';
import { randomGuid } from '../ids.ts';
import { paginate } from '../pagination.ts';
import type { UserRecord } from '../store.ts';

const userWire = (user: UserRecord): Schemas['UserResponse'] => ({
  email: user.email,
  guid: user.guid,
  id: user.id,
  is_disabled: user.isDisabled,
  metadata: user.metadata,
});

export function usersRoutes({ store, events }: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  const refuseTakenId = (id: string | null | undefined, self?: UserRecord): void => {
    const other = id == null ? undefined : store.userById(id);
    if (id != null && other && other !== self) fail(409, `A user with id "${id.slice(0, 60)}" already exists.`);
  };

  app.post('/users', jsonBody(UserBody), (c) => {
    const { user } = c.req.valid('json');
    refuseTakenId(user.id);
    const record: UserRecord = {
      guid: randomGuid('USR'),
      id: user.id ?? null,
      email: user.email ?? null,
      isDisabled: user.is_disabled ?? false,
      metadata: user.metadata ?? null,
    };
    store.addUser(record);
    return json(c, { user: userWire(record) });
  });

  app.get('/users', (c) => {
    const { id, email, is_disabled: isDisabled } = c.req.query();
    if (isDisabled !== undefined && isDisabled !== 'true' && isDisabled !== 'false')
      fail(400, '"is_disabled" must be true or false.');
    const list = [...store.users()].filter(
      (user) =>
        (id === undefined || user.id === id) &&
        (email === undefined || user.email === email) &&
        (isDisabled === undefined || user.isDisabled === (isDisabled === 'true')),
    );
    const { items, pagination } = paginate(list, c.req.query(), 1000);
    return json(c, { users: items.map(userWire), pagination });
  });

  app.get('/users/:user_guid', (c) => json(c, { user: userWire(c.get('user')) }));

  app.put('/users/:user_guid', jsonBody(UserBody), (c) => {
    const record = c.get('user');
    const { user } = c.req.valid('json');
    refuseTakenId(user.id, record);
    if (user.id != null) store.setUserId(record, user.id);
    if (user.email != null) record.email = user.email;
    if (user.is_disabled != null) record.isDisabled = user.is_disabled;
    if (user.metadata != null) record.metadata = user.metadata;
    return json(c, { user: userWire(record) });
  });

  app.delete('/users/:user_guid', (c) => {
    // Each member's DELETED webhook first, while its user (and user_id) still exists.
    for (const member of store.membersOf(c.get('user').guid)) events.deleted(member);
    store.deleteUser(c.get('user').guid);
    return c.body(null, 204);
  });

  return app;
}
