import { describe, expect, it } from 'vitest';

import {
  envelope,
  type FrameToHostMessage,
  type HostToFrameMessage,
  parseHostMessage,
  PROTOCOL,
  PROTOCOL_VERSION,
  readFrameMessage,
  readParentOrigin,
} from '../../src/protocol/messages';

/** The message readFrameMessage hands the host, as a message again; `undefined` when it calls no handler. */
function parseFrameMessage(data: unknown): FrameToHostMessage | undefined {
  const read: FrameToHostMessage[] = [];
  readFrameMessage(data, {
    ready: () => read.push({ type: 'ready' }),
    started: () => read.push({ type: 'started' }),
    event: (event) => read.push({ type: 'event', event }),
    resize: (height) => read.push({ type: 'resize', height }),
    success: (result) => read.push({ type: 'success', result }),
    exit: (result) => read.push({ type: 'exit', result }),
    tokenRequest: (id) => read.push({ type: 'tokenRequest', id }),
  });
  expect(read.length).toBeLessThanOrEqual(1);
  return read[0];
}

describe('frame → host messages', () => {
  const valid: FrameToHostMessage[] = [
    { type: 'ready' },
    { type: 'started' },
    {
      type: 'event',
      event: { mx: true, type: 'mx/connect/connected/primaryAction', metadata: { member_guid: 'MBR-1' } },
    },
    { type: 'resize', height: 480 },
    {
      type: 'success',
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
      type: 'success',
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        accounts: [{ guid: 'ACT-1', name: 'Everyday Checking', type: 'CHECKING', lastFour: '1234' }],
        account: { guid: 'ACT-1', name: 'Everyday Checking', type: 'CHECKING', lastFour: '1234' },
      },
    },
    { type: 'exit', result: { reason: 'userCancelled', memberGuid: 'MBR-1', message: 'Bye' } },
    { type: 'tokenRequest', id: 3 },
  ];

  it.each(valid)('accepts a well-formed $type message', (message) => {
    expect(parseFrameMessage(envelope(message))).toEqual(message);
  });

  it('drops fields the protocol does not define', () => {
    const parsed = parseFrameMessage({
      ...envelope({ type: 'success', result: { memberGuid: 'MBR-1', institutionCode: 'mxbank', accounts: [] } }),
      extra: 'x',
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        password: 'hunter2',
        accounts: [
          { guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234', account_number: '000111221234' },
        ],
      },
    });
    expect(parsed).toEqual({
      type: 'success',
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        accounts: [{ guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234' }],
      },
    });
  });

  it('copies only the four fields of the chosen account (verification mode)', () => {
    const parsed = parseFrameMessage(
      envelope({
        type: 'success',
        result: {
          memberGuid: 'MBR-1',
          institutionCode: 'mxbank',
          accounts: [],
          account: {
            guid: 'ACT-1',
            name: 'Checking',
            type: 'CHECKING',
            lastFour: '1234',
            account_number: '000111221234',
          },
        },
      } as never),
    );
    expect(parsed).toEqual({
      type: 'success',
      result: {
        memberGuid: 'MBR-1',
        institutionCode: 'mxbank',
        accounts: [],
        account: { guid: 'ACT-1', name: 'Checking', type: 'CHECKING', lastFour: '1234' },
      },
    });
    expect(JSON.stringify(parsed)).not.toContain('000111221234');
  });

  it('rebuilds an event in MX shape from its name and metadata only', () => {
    const parsed = parseFrameMessage(
      envelope({
        type: 'event',
        event: { mx: 'yes', type: 'mx/connect/loaded', metadata: { initial_step: 'search' }, x: 1 },
      } as never),
    );
    expect(parsed).toEqual({
      type: 'event',
      event: { mx: true, type: 'mx/connect/loaded', metadata: { initial_step: 'search' } },
    });
  });

  it.each([
    ['not an object', 'ready'],
    ['an array', [PROTOCOL, PROTOCOL_VERSION, 'ready']],
    ['no envelope', { type: 'ready' }],
    ['another namespace', { protocol: 'mx', version: PROTOCOL_VERSION, type: 'ready' }],
    ['another version', { protocol: PROTOCOL, version: 2, type: 'ready' }],
    ['an unknown type', { protocol: PROTOCOL, version: PROTOCOL_VERSION, type: 'navigate' }],
    ['a host message', envelope({ type: 'close' })],
    ['an event without a name', envelope({ type: 'event', event: { mx: true, metadata: {} } } as never)],
    [
      'an event with array metadata',
      envelope({ type: 'event', event: { mx: true, type: 'mx/connect/a', metadata: [] } } as never),
    ],
    ['a resize that is not a number', envelope({ type: 'resize', height: '100' } as never)],
    ['a huge resize', envelope({ type: 'resize', height: 1e9 })],
    ['a success without institution', envelope({ type: 'success', result: { memberGuid: 'MBR-1' } } as never)],
    [
      'a success whose accounts are not a list',
      envelope({ type: 'success', result: { memberGuid: 'MBR-1', institutionCode: 'x', accounts: 'ACT-1' } } as never),
    ],
    [
      'a success with an account that is not an object',
      envelope({
        type: 'success',
        result: { memberGuid: 'MBR-1', institutionCode: 'x', accounts: ['ACT-1'] },
      } as never),
    ],
    [
      'a success whose chosen account is not an object',
      envelope({
        type: 'success',
        result: { memberGuid: 'MBR-1', institutionCode: 'x', accounts: [], account: 'ACT-1' },
      } as never),
    ],
    ['an exit without reason', envelope({ type: 'exit', result: {} } as never)],
    ['an exit with a non-string message', envelope({ type: 'exit', result: { reason: 'x', message: 1 } } as never)],
    ['a token request without a numeric id', envelope({ type: 'tokenRequest', id: '3' } as never)],
  ])('rejects %s', (_name, data) => {
    expect(parseFrameMessage(data)).toBeUndefined();
  });
});

describe('host → frame messages', () => {
  const valid: HostToFrameMessage[] = [
    {
      type: 'handshake',
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
    { type: 'handshake', config: {}, sessionToken: 'tok', refreshable: true },
    { type: 'token', id: 1, sessionToken: 'fresh' },
    { type: 'token', id: 2 },
    { type: 'back' },
    { type: 'close' },
    { type: 'close', force: true },
  ];

  it.each(valid)('accepts a well-formed $type message', (message) => {
    expect(parseHostMessage(envelope(message))).toEqual(message);
  });

  it('reads close without force (or with anything but true) as the asking close', () => {
    expect(parseHostMessage(envelope({ type: 'close', force: false }))).toEqual({ type: 'close' });
    expect(parseHostMessage({ ...envelope({ type: 'close' }), force: 'yes' })).toEqual({ type: 'close' });
  });

  it('drops undefined and unknown config fields', () => {
    const parsed = parseHostMessage({
      ...envelope({ type: 'handshake', config: {}, sessionToken: 't', refreshable: false }),
      config: { locale: undefined, onSuccess: 'x', proxyUrl: '/p' },
    });
    expect(parsed).toEqual({ type: 'handshake', config: { proxyUrl: '/p' }, sessionToken: 't', refreshable: false });
  });

  it.each([
    ['a handshake without token', { config: {}, refreshable: false }],
    ['a handshake with a token object', { config: {}, sessionToken: { t: 1 }, refreshable: false }],
    ['a handshake with an unknown locale', { config: { locale: 'de' }, sessionToken: 't', refreshable: false }],
    ['a handshake with an unknown scheme', { config: { colorScheme: 'sepia' }, sessionToken: 't', refreshable: false }],
    ['a handshake with an unknown mode', { config: { mode: 'identity' }, sessionToken: 't', refreshable: false }],
    ['a handshake with non-string theme', { config: { theme: { a: 1 } }, sessionToken: 't', refreshable: false }],
    ['a handshake with a numeric proxyUrl', { config: { proxyUrl: 1 }, sessionToken: 't', refreshable: false }],
    ['a handshake without config', { sessionToken: 't', refreshable: false }],
    [
      'a handshake with a nameless partner',
      { config: { partner: { logoUrl: '/l.png' } }, sessionToken: 't', refreshable: false },
    ],
    [
      'a handshake with an unknown data scope',
      { config: { dataRequested: ['passwords'] }, sessionToken: 't', refreshable: false },
    ],
    [
      'a handshake with a non-boolean skipConsent',
      { config: { skipConsent: 'yes' }, sessionToken: 't', refreshable: false },
    ],
  ])('rejects %s', (_name, fields) => {
    expect(parseHostMessage({ protocol: PROTOCOL, version: PROTOCOL_VERSION, type: 'handshake', ...fields })).toBe(
      undefined,
    );
  });

  it('rejects frame messages and tokens with bad ids', () => {
    expect(parseHostMessage(envelope({ type: 'ready' }))).toBeUndefined();
    expect(parseHostMessage(envelope({ type: 'token', id: -1, sessionToken: 't' }))).toBeUndefined();
    expect(parseHostMessage({ ...envelope({ type: 'token', id: 1 }), sessionToken: 5 })).toBeUndefined();
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
