import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { expectNoAxeViolations, renderWidget } from '../../support/renderWidget';

async function logIn(password: string, options: Parameters<typeof renderWidget>[1] = {}) {
  const rendered = renderWidget({ institutionCode: 'mxbank' }, options);
  const { user } = rendered;
  await user.type(await screen.findByLabelText('Username'), 'mxuser');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'MX Bank needs more information' }, { timeout: 4000 });
  await screen.findByRole('button', { name: 'Submit' });
  return rendered;
}

const submit = (user: ReturnType<typeof renderWidget>['user']) =>
  user.click(screen.getByRole('button', { name: 'Submit' }));
const connected = () => screen.findByRole('heading', { name: 'Connected' }, { timeout: 4000 });

describe('MFA step', { timeout: 20_000 }, () => {
  it('answers a TEXT challenge and connects, without accessibility violations', async () => {
    const { user, container, onSuccess, onEvent } = await logIn('challenge');
    await expectNoAxeViolations(container);
    const answer = screen.getByLabelText('What city were you born in?');
    expect(answer).toHaveAttribute('type', 'text');
    await user.type(answer, 'correct');
    await submit(user);
    await connected();
    await waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    const submitted = onEvent.mock.calls.map(([e]) => e).find((e) => e.type === 'mx/connect/submitMFA');
    expect(submitted?.metadata).toEqual({ member_guid: expect.stringMatching(/^MBR-/) });
    // Answers never reach the host.
    expect(JSON.stringify(onEvent.mock.calls)).not.toContain('correct');
  });

  it('answers an OPTIONS challenge', async () => {
    const { user } = await logIn('options');
    const group = screen.getByRole('group', { name: 'Which of these is the correct answer?' });
    await user.click(within(group).getByRole('radio', { name: 'correct' }));
    await submit(user);
    await connected();
  });

  it('answers a TOKEN challenge with a one-time-code input', async () => {
    const { user } = await logIn('token');
    const input = screen.getByRole('textbox');
    expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    expect(input).toHaveAttribute('inputmode', 'numeric');
    await user.type(input, '123456');
    await submit(user);
    await connected();
  });

  it('answers an IMAGE_DATA challenge: shows the image and takes a text answer', async () => {
    const { user, container } = await logIn('image');
    expect(container.querySelector('img[src^="data:image/"]')).not.toBeNull();
    await user.type(screen.getByRole('textbox'), 'correct');
    await submit(user);
    await connected();
  });

  it('answers an IMAGE_OPTIONS challenge by picking an image', async () => {
    const { user } = await logIn('image_options');
    await user.click(screen.getByRole('radio', { name: 'A green square' }));
    await submit(user);
    await connected();
  });

  it('answers several challenges of one round in one resume', async () => {
    const { user } = await logIn('multi_challenge');
    const form = screen.getByRole('button', { name: 'Submit' }).closest('form') as HTMLFormElement;
    const textboxes = within(form).getAllByRole('textbox');
    expect(textboxes.length).toBeGreaterThanOrEqual(2);
    await user.type(textboxes[0] as HTMLElement, 'correct');
    await user.type(textboxes[1] as HTMLElement, '123456');
    const group = within(form).getByRole('group');
    await user.click(within(group).getByRole('radio', { name: 'correct' }));
    await submit(user);
    await connected();
  });

  it("handles two rounds of MFA, reading each round's questions from the status that asked them", async () => {
    const { user, onEvent, backend } = await logIn('two_round');
    await user.click(within(screen.getByRole('group')).getAllByRole('radio')[0] as HTMLElement);
    await submit(user);
    // Round two: a new step instance with the token question.
    await waitFor(() => expect(screen.getByRole('textbox')).toHaveAttribute('autocomplete', 'one-time-code'), {
      timeout: 4000,
    });
    await user.type(screen.getByRole('textbox'), '123456');
    await submit(user);
    await connected();
    expect(onEvent.mock.calls.filter(([e]) => e.type === 'mx/connect/submitMFA')).toHaveLength(2);
    // Both rounds' questions came with CHALLENGED: no GET /challenges (issue 16 §3).
    expect(backend.calls().filter((call) => call.path.endsWith('/challenges'))).toEqual([]);
  });

  it('never acts on the CHALLENGED cached from the round just answered, only on a status read after it', async () => {
    let isHeld = false;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { user } = await logIn('challenge', {
      overrides: [
        // MX refuses the resume (no longer CHALLENGED, say): the flow re-reads the status with nothing seeded.
        http.put('*/api/connect/members/:guid/resume', () =>
          HttpResponse.json({ error: { message: 'The member is not challenged.' } }, { status: 409 }),
        ),
        // Held status reads: until released, the only CHALLENGED the widget has is the cached, answered one.
        http.get('*/api/connect/members/:guid/status', async () => {
          if (isHeld) await held;
        }),
      ],
    });
    isHeld = true;
    await user.type(screen.getByLabelText('What city were you born in?'), 'correct');
    await submit(user);
    await screen.findByRole('heading', { name: 'Connecting to MX Bank' }, { timeout: 4000 });
    // Long enough for a step that wrongly trusts the cache to have gone back to the questions.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.queryByRole('heading', { name: 'MX Bank needs more information' })).toBeNull();
    // The sandbox's member is still CHALLENGED: a status read after the refusal asks again, rightly.
    release();
    await screen.findByRole('heading', { name: 'MX Bank needs more information' }, { timeout: 4000 });
  });

  it('shows the REJECTED outcome for a wrong answer and can start again', async () => {
    const { user } = await logIn('challenge');
    await user.type(screen.getByLabelText('What city were you born in?'), 'wrong');
    await submit(user);
    await screen.findByRole('heading', { name: 'That answer was not accepted.' }, { timeout: 4000 });
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    // A new aggregation asks the question again.
    await screen.findByLabelText('What city were you born in?', {}, { timeout: 4000 });
  });

  it('answers too late: re-reads the status and offers to start again, never the raw refusal', async () => {
    // The sandbox's clock is injected: moving it past the challenge's expiry needs no waiting.
    let skewMs = 0;
    const { user, container } = await logIn('challenge', {
      backend: { challengeExpiryMs: 60_000, now: () => Date.now() + skewMs },
    });
    await user.type(screen.getByLabelText('What city were you born in?'), 'correct');
    skewMs = 10 * 60_000;
    await submit(user);
    await screen.findByRole('heading', { name: 'The time to answer ran out.' }, { timeout: 4000 });
    expect(container.textContent).not.toMatch(/CHALLENGED|connection_status|could not send/i);
    // Start again aggregates the same member: a new question comes.
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    await screen.findByLabelText('What city were you born in?', {}, { timeout: 4000 });
  });

  it('requires an answer before submitting', async () => {
    const { user } = await logIn('challenge');
    await submit(user);
    const input = screen.getByLabelText('What city were you born in?');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('This field is required.');
  });
});
