// MFA: each challenge type, two rounds, several challenges in one round, wrong answers, error passwords as answers,
// expiry through the injected clock, and resume refused when not challenged.
import { describe, expect, it } from 'vitest';

import { AGGREGATION_MS, createHarness, EXPIRY_MS } from './harness.ts';

interface Challenge {
  guid: string;
  type: string;
  options?: { guid: string; value: string; label: string }[];
  image_options?: { guid: string; value: string; label: string; data_uri: string }[];
  image_data?: string;
}

const decodeSvg = (dataUri: string): string => {
  const prefix = 'data:image/svg+xml;base64,';
  expect(dataUri.startsWith(prefix)).toBe(true);
  return atob(dataUri.slice(prefix.length));
};

async function challenged(password: string) {
  const h = createHarness();
  const user = await h.createUser();
  const member = await h.createMxbankMember(user, password);
  h.advance(AGGREGATION_MS);
  const listed = await h.call('GET', `/users/${user}/members/${member}/challenges`);
  expect(listed.status).toBe(200);
  const challenges = listed.body.challenges as Challenge[];
  const resume = (answers: { guid: string; value: string }[]) =>
    h.call('PUT', `/users/${user}/members/${member}/resume`, { member: { challenges: answers } });
  const statusAfterVerdict = async () => {
    h.advance(AGGREGATION_MS);
    return h.status(user, member);
  };
  return { h, user, member, challenges, resume, statusAfterVerdict };
}

const optionBy = (challenge: Challenge, value: string) =>
  [...(challenge.options ?? []), ...(challenge.image_options ?? [])].find((option) => option.value === value);

describe('MFA', () => {
  // [password, answer picker, expected status after the verdict]
  const cases: [string, string, (challenge: Challenge) => string, string][] = [
    ['challenge', 'TEXT correct', () => 'correct', 'CONNECTED'],
    ['challenge', 'TEXT wrong', () => 'nope', 'REJECTED'],
    ['options', 'OPTIONS by value', () => 'correct', 'CONNECTED'],
    ['options', 'OPTIONS by guid', (c) => optionBy(c, 'correct')!.guid, 'CONNECTED'],
    ['options', 'OPTIONS wrong option', (c) => optionBy(c, 'incorrect')!.guid, 'REJECTED'],
    ['image', 'IMAGE_DATA correct', () => 'correct', 'CONNECTED'],
    ['image', 'IMAGE_DATA wrong', () => 'c0rrect', 'REJECTED'],
    ['token', 'TOKEN code', () => '123456', 'CONNECTED'],
    ['token', 'TOKEN correct', () => 'correct', 'CONNECTED'],
    ['token', 'TOKEN wrong', () => '000000', 'REJECTED'],
    ['image_options', 'IMAGE_OPTIONS by value', () => 'correct', 'CONNECTED'],
    ['image_options', 'IMAGE_OPTIONS by guid', (c) => optionBy(c, 'correct')!.guid, 'CONNECTED'],
    ['image_options', 'IMAGE_OPTIONS wrong image', () => 'red_circle', 'REJECTED'],
    ['challenge', 'error password SERVER_ERROR as answer', () => 'SERVER_ERROR', 'FAILED'],
    ['challenge', 'error password UNAVAILABLE as answer', () => 'UNAVAILABLE', 'FAILED'],
    ['options', 'error password DISABLED as answer', () => 'DISABLED', 'DENIED'],
    ['token', 'error password LOCKED as answer', () => 'LOCKED', 'LOCKED'],
  ];

  it.each(cases)('%s: %s', async (password, _name, answer, expected) => {
    const { challenges, resume, statusAfterVerdict } = await challenged(password);
    expect(challenges).toHaveLength(1);
    const [challenge] = challenges as [Challenge];
    const reply = await resume([{ guid: challenge.guid, value: answer(challenge) }]);
    expect(reply.status).toBe(202);
    expect(reply.body.member).toMatchObject({ connection_status: 'RESUMED', is_being_aggregated: true });
    const after = await statusAfterVerdict();
    expect(after.connection_status).toBe(expected);
    expect(after.is_authenticated).toBe(expected === 'CONNECTED');
  });

  it('describes each challenge type with the fields MX sends', async () => {
    const image = (await challenged('image')).challenges[0]!;
    expect(image.image_data).toMatch(/^data:image\/svg\+xml;base64,/);
    const options = (await challenged('options')).challenges[0]!;
    expect(options.options!.map((option) => option.value)).toEqual(['correct', 'incorrect']);
    expect(options.options!.every((option) => option.guid.startsWith('CRD-'))).toBe(true);
    const images = (await challenged('image_options')).challenges[0]!;
    expect(images.image_options!.every((option) => option.data_uri.startsWith('data:image/'))).toBe(true);
  });

  it('shows exactly the accepted answer in the IMAGE_DATA picture, which connects when typed', async () => {
    const { challenges, resume, statusAfterVerdict } = await challenged('image');
    const [image] = challenges as [Challenge];
    const svg = decodeSvg(image.image_data!);
    expect([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1])).toEqual(['correct']);
    expect(svg).toContain('aria-label="The characters: correct"');
    expect((await resume([{ guid: image.guid, value: 'correct' }])).status).toBe(202);
    expect((await statusAfterVerdict()).connection_status).toBe('CONNECTED');
  });

  it('draws each IMAGE_OPTIONS choice differently, the green square being the accepted one (as docs/sandbox.md says)', async () => {
    const [images] = (await challenged('image_options')).challenges as [Challenge];
    const options = images.image_options!;
    expect(new Set(options.map((option) => option.data_uri)).size).toBe(options.length);
    for (const option of options)
      expect(decodeSvg(option.data_uri), option.label).toContain(`aria-label="${option.label}"`);
    const accepted = options.find((option) => option.value === 'correct')!;
    expect(accepted.label).toBe('A green square');
    // A square shape in green on the tile (the tile is the first rect, the shape the second).
    expect(decodeSvg(accepted.data_uri)).toMatch(
      /<rect [^>]*\/><rect x="22" y="22" width="52" height="52" fill="#2a2"\/>/,
    );
  });

  it('runs two rounds: choose a phone (OPTIONS), then enter the code (TOKEN)', async () => {
    const { h, user, member, challenges, resume, statusAfterVerdict } = await challenged('two_round');
    const [phone] = challenges as [Challenge];
    expect(phone.type).toBe('OPTIONS');
    expect((await resume([{ guid: phone.guid, value: phone.options![1]!.value }])).status).toBe(202);
    const second = await statusAfterVerdict();
    expect(second.connection_status).toBe('CHALLENGED');
    expect(second.challenges.map((challenge: Challenge) => challenge.type)).toEqual(['TOKEN']);
    const listed = await h.call('GET', `/users/${user}/members/${member}/challenges`);
    const [token] = listed.body.challenges as [Challenge];
    expect(token.guid).not.toBe(phone.guid);
    expect((await resume([{ guid: token.guid, value: '123456' }])).status).toBe(202);
    expect((await statusAfterVerdict()).connection_status).toBe('CONNECTED');
    h.advance(AGGREGATION_MS);
    expect(await h.status(user, member)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });
  });

  it('answers several challenges of one round in one resume; one wrong answer rejects', async () => {
    const good = await challenged('multi_challenge');
    const answers = good.challenges.map((challenge) => ({
      guid: challenge.guid,
      value: challenge.type === 'TOKEN' ? '123456' : 'correct',
    }));
    expect((await good.resume(answers)).status).toBe(202);
    expect((await good.statusAfterVerdict()).connection_status).toBe('CONNECTED');

    const bad = await challenged('multi_challenge');
    const oneWrong = bad.challenges.map((challenge, index) => ({
      guid: challenge.guid,
      value: index === 1 ? 'incorrect' : challenge.type === 'TOKEN' ? '123456' : 'correct',
    }));
    expect((await bad.resume(oneWrong)).status).toBe(202);
    expect((await bad.statusAfterVerdict()).connection_status).toBe('REJECTED');
  });

  it('refuses a resume that leaves a challenge unanswered or names an unknown one (400), changing nothing', async () => {
    const { h, user, member, challenges, resume } = await challenged('multi_challenge');
    const partial = await resume([{ guid: challenges[0]!.guid, value: 'correct' }]);
    expect(partial.status).toBe(400);
    expect(partial.body.error.message).toMatch(/every pending challenge/i);
    const unknown = await resume([
      ...challenges.map((challenge) => ({ guid: challenge.guid, value: 'correct' })),
      { guid: 'CRD-nope', value: 'x' },
    ]);
    expect(unknown.status).toBe(400);
    expect((await h.status(user, member)).connection_status).toBe('CHALLENGED');
  });

  it('expires an unanswered challenge after challengeExpiryMs (injected clock)', async () => {
    const { h, user, member, resume, challenges } = await challenged('challenge');
    h.advance(EXPIRY_MS - 1);
    expect((await h.status(user, member)).connection_status).toBe('CHALLENGED');
    h.advance(1);
    const expired = await h.status(user, member);
    expect(expired).toMatchObject({ connection_status: 'EXPIRED', is_being_aggregated: false });
    expect(expired.challenges).toBeUndefined();
    const late = await resume([{ guid: challenges[0]!.guid, value: 'correct' }]);
    expect(late.status).toBe(405);
    // EXPIRED → aggregate starts again and challenges again.
    const again = await h.call('POST', `/users/${user}/members/${member}/aggregate`);
    expect(again.status).toBe(202);
    h.advance(AGGREGATION_MS);
    expect((await h.status(user, member)).connection_status).toBe('CHALLENGED');
  });

  it('refuses resume when the member is not CHALLENGED (405) and answers 204 for challenges', async () => {
    const h = createHarness();
    const user = await h.createUser();
    const member = await h.createMxbankMember(user, 'password');
    const early = await h.call('GET', `/users/${user}/members/${member}/challenges`);
    expect(early.status).toBe(204);
    expect(early.text).toBe('');
    const reply = await h.call('PUT', `/users/${user}/members/${member}/resume`, {
      member: { challenges: [{ guid: 'CRD-x', value: 'correct' }] },
    });
    expect(reply.status).toBe(405);
    expect(reply.body).toEqual({ error: { message: expect.stringMatching(/not CHALLENGED/) } });
    h.advance(AGGREGATION_MS * 2);
    expect((await h.status(user, member)).connection_status).toBe('CONNECTED');
  });
});
