import { describe, expect, it } from 'vitest';

import {
  BACK,
  CLOSE,
  DONE,
  envelope,
  EVENT,
  EXIT,
  frameEnvelope,
  type FrameToHostMessage,
  HANDSHAKE,
  type HostToFrameMessage,
  parseHostMessage,
  PROTOCOL,
  PROTOCOL_VERSION,
  readParentOrigin,
  READY,
  RESIZE,
  STARTED,
  SUCCESS,
  TOKEN,
  TOKEN_REQUEST,
} from '../../src/protocol/messages';

describe('message types', () => {
  it('number the frame → host types 0–7 (the SDK indexes its handler table with them) and host → frame ones apart', () => {
    expect([READY, STARTED, EVENT, RESIZE, SUCCESS, EXIT, TOKEN_REQUEST, DONE]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([HANDSHAKE, TOKEN, BACK, CLOSE]).toEqual([8, 9, 10, 11]);
  });
});

// The SDK checks who sent a message and takes its payload as it is, so the frame's sending side is where fields the
// contract does not define are left behind.
describe('frame → host messages (frameEnvelope)', () => {
  const valid: FrameToHostMessage[] = [
    { type: READY },
    { type: STARTED },
    {
      type: EVENT,
      event: { mx: true, type: 'mx/connect/connected/primaryAction', metadata: { member_guid: 'MBR-1' } },
    },
    { type: RESIZE, height: 480 },
    {
      type: SUCCESS,
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        accounts: [
          { guid: 'ACT-1', name: 'Everyday Checking', type: 'CHECKING', lastFour: '1234' },
          { guid: 'ACT-2', name: 'Savings', type: null, lastFour: null },
        ],
      },
    },
    {
      type: SUCCESS,
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        accounts: [{ guid: 'ACT-1', name: 'Everyday Checking', type: 'CHECKING', lastFour: '1234' }],
        account: { guid: 'ACT-1', name: 'Everyday Checking', type: 'CHECKING', lastFour: '1234' },
      },
    },
    { type: EXIT, result: { reason: 'userCancelled', memberGuid: 'MBR-1', message: 'Bye' } },
    { type: TOKEN_REQUEST, id: 3 },
    { type: DONE },
  ];

  it.each(valid)('sends a well-formed message of type $type as it is, in the envelope', (message) => {
    expect(frameEnvelope(message)).toEqual({ protocol: PROTOCOL, version: PROTOCOL_VERSION, ...message });
  });

  it('leaves behind the fields the contract does not define, in the result and in each account', () => {
    const sent = frameEnvelope({
      type: SUCCESS,
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        password: 'hunter2',
        accounts: [
          { guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234', account_number: '000111221234' },
        ],
        account: {
          guid: 'ACT-1',
          name: 'Checking',
          type: 'CHECKING',
          lastFour: '1234',
          account_number: '000111221234',
        },
      },
    } as never);
    expect(sent).toEqual(
      envelope({
        type: SUCCESS,
        result: {
          memberGuid: 'MBR-1',
          institutionCode: 'mxbank',
          accounts: [{ guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234' }],
          account: { guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234' },
        },
      }),
    );
    expect(JSON.stringify(sent)).not.toContain('000111221234');
    expect(JSON.stringify(sent)).not.toContain('hunter2');
  });

  it('sends an exit with its reason, member, institution and message only', () => {
    const sent = frameEnvelope({
      type: EXIT,
      result: { reason: 'institutionError', institutionCode: 'mxbank', message: 'Down', answers: ['blue'] },
    } as never);
    expect(sent).toEqual(
      envelope({ type: EXIT, result: { reason: 'institutionError', institutionCode: 'mxbank', message: 'Down' } }),
    );
  });
});

describe('host → frame messages', () => {
  const valid: HostToFrameMessage[] = [
    {
      type: HANDSHAKE,
      config: {
        proxyUrl: '/api/connect',
        institutionCode: 'mxbank',
        memberGuid: 'MBR-1',
        skipAggregation: true,
        mode: 'verification',
        locale: 'es',
        colorScheme: 'dark',
        theme: { colorPrimary: '#123456' },
        messages: { 'search.title': 'Find your bank' },
        modal: true,
        partner: {
          name: 'Fernway',
          logoUrl: 'https://fernway.example/logo.svg',
          privacyPolicyUrl: 'https://fernway.example/privacy',
        },
        skipConsent: false,
        dataRequested: ['accountDetails', 'accountNumbers'],
      },
      sessionToken: 'tok',
      refreshable: false,
    },
    { type: HANDSHAKE, config: {}, sessionToken: 'tok', refreshable: true },
    { type: TOKEN, id: 1, sessionToken: 'fresh' },
    { type: TOKEN, id: 2 },
    { type: BACK },
    { type: CLOSE, force: false },
    { type: CLOSE, force: true },
  ];

  it.each(valid)('accepts a well-formed message of type $type', (message) => {
    expect(parseHostMessage(envelope(message))).toEqual(message);
  });

  it('reads close without force (or with anything but true) as the asking close', () => {
    expect(parseHostMessage(envelope({ type: CLOSE }))).toEqual({ type: CLOSE, force: false });
    expect(parseHostMessage({ ...envelope({ type: CLOSE }), force: 'yes' })).toEqual({ type: CLOSE, force: false });
  });

  it('drops undefined and unknown config fields', () => {
    const parsed = parseHostMessage({
      ...envelope({ type: HANDSHAKE, config: {}, sessionToken: 't', refreshable: false }),
      config: { locale: undefined, onSuccess: 'x', proxyUrl: '/p' },
    });
    expect(parsed).toEqual({ type: HANDSHAKE, config: { proxyUrl: '/p' }, sessionToken: 't', refreshable: false });
  });

  it.each([
    ['a handshake without token', { config: {}, refreshable: false }],
    ['a handshake with a token object', { config: {}, sessionToken: { t: 1 }, refreshable: false }],
    ['a handshake with a string refreshable', { config: {}, sessionToken: 't', refreshable: 'true' }],
  ])('rejects %s', (_name, fields) => {
    expect(parseHostMessage({ protocol: PROTOCOL, version: PROTOCOL_VERSION, type: HANDSHAKE, ...fields })).toBe(
      undefined,
    );
  });

  // The frame answers these with an exit that says what to fix, so the parser says it.
  it.each([
    ['an unknown locale', { locale: 'de' }, 'the option locale is "de", which the widget does not accept'],
    ['an unknown scheme', { colorScheme: 'sepia' }, 'the option colorScheme is "sepia"'],
    ['an unknown mode', { mode: 'identity' }, 'the option mode is "identity"'],
    ['a non-string theme', { theme: { a: 1 } }, 'the option theme is {"a":1}'],
    ['a numeric proxyUrl', { proxyUrl: 1 }, 'the option proxyUrl is 1'],
    ['a nameless partner', { partner: { logoUrl: '/l.png' } }, 'the option partner is {"logoUrl":"/l.png"}'],
    ['a partner with a numeric logo', { partner: { name: 'F', logoUrl: 1 } }, 'the option partner is'],
    ['an unknown data scope', { dataRequested: ['passwords'] }, 'the option dataRequested is ["passwords"]'],
    ['a non-boolean skipConsent', { skipConsent: 'yes' }, 'the option skipConsent is "yes"'],
    ['no config at all', undefined, 'the handshake has no configuration'],
    ['a config that is a list', ['de'], 'the handshake has no configuration'],
  ])('refuses a handshake with %s and says why', (_name, config, why) => {
    const parsed = parseHostMessage({
      ...envelope({ type: HANDSHAKE, config: {}, sessionToken: 't', refreshable: false }),
      config,
    });
    expect(parsed).toEqual(expect.stringContaining(why));
  });

  it('rebuilds a partner from its three fields', () => {
    const parsed = parseHostMessage({
      ...envelope({ type: HANDSHAKE, config: {}, sessionToken: 't', refreshable: false }),
      config: { partner: { name: 'Fernway', logoUrl: '/l.svg', script: 'x' } },
    });
    expect(parsed).toEqual({
      type: HANDSHAKE,
      config: { partner: { name: 'Fernway', logoUrl: '/l.svg' } },
      sessionToken: 't',
      refreshable: false,
    });
  });

  it.each([
    ['not an object', 'back'],
    ['an array', [PROTOCOL, PROTOCOL_VERSION, BACK]],
    ['no envelope', { type: BACK }],
    ['another namespace', { protocol: 'mx', version: PROTOCOL_VERSION, type: BACK }],
    ['version 1, whose types were names', { protocol: PROTOCOL, version: 1, type: 'back' }],
    ['another version', { protocol: PROTOCOL, version: 3, type: BACK }],
    ['an unknown type', { protocol: PROTOCOL, version: PROTOCOL_VERSION, type: 12 }],
    ['a type given as a string', { protocol: PROTOCOL, version: PROTOCOL_VERSION, type: String(BACK) }],
  ])('rejects %s', (_name, data) => {
    expect(parseHostMessage(data)).toBeUndefined();
  });

  it('rejects frame messages and tokens with bad ids', () => {
    expect(parseHostMessage(envelope({ type: READY }))).toBeUndefined();
    expect(parseHostMessage(envelope({ type: TOKEN, id: -1, sessionToken: 't' }))).toBeUndefined();
    expect(parseHostMessage({ ...envelope({ type: TOKEN, id: 1 }), sessionToken: 5 })).toBeUndefined();
  });
});

describe('readParentOrigin', () => {
  it.each([
    ['#origin=' + encodeURIComponent('https://partner.example'), 'https://partner.example'],
    ['#origin=' + encodeURIComponent('http://127.0.0.1:4000'), 'http://127.0.0.1:4000'],
    ['#origin=https%3A%2F%2Fpartner.example%2Fpath', undefined],
    ['#origin=javascript%3Aalert(1)', undefined],
    ['#origin=null', undefined],
    ['#origin=', undefined],
    ['', undefined],
  ])('%s → %s', (hash, expected) => {
    expect(readParentOrigin(hash)).toBe(expected);
  });
});
