import { mutationOptions } from '@tanstack/react-query';

import type { ApiClient } from './client';

type CredentialAnswer = { guid: string; value: string };

export const createMemberMutation = (client: ApiClient) =>
  mutationOptions({
    mutationKey: ['members', 'create'],
    mutationFn: (input: {
      institutionCode: string;
      credentials: CredentialAnswer[];
      skipAggregation?: boolean | undefined;
      isOAuth?: boolean | undefined;
    }) => client.createMember(input),
  });

export const updateMemberMutation = (client: ApiClient) =>
  mutationOptions({
    mutationKey: ['members', 'update'],
    mutationFn: ({
      guid,
      ...input
    }: {
      guid: string;
      credentials: CredentialAnswer[];
      skipAggregation?: boolean | undefined;
    }) => client.updateMember(guid, input),
  });

export const resumeMemberMutation = (client: ApiClient) =>
  mutationOptions({
    mutationKey: ['members', 'resume'],
    mutationFn: ({ guid, answers }: { guid: string; answers: CredentialAnswer[] }) =>
      client.resumeMember(guid, answers),
  });

export const aggregateMemberMutation = (client: ApiClient) =>
  mutationOptions({
    mutationKey: ['members', 'aggregate'],
    mutationFn: (guid: string) => client.aggregateMember(guid),
  });

export const verifyMemberMutation = (client: ApiClient) =>
  mutationOptions({
    mutationKey: ['members', 'verify'],
    mutationFn: (guid: string) => client.verifyMember(guid),
  });

export const oauthWindowUriMutation = (client: ApiClient) =>
  mutationOptions({
    mutationKey: ['members', 'oauthWindowUri'],
    mutationFn: ({ guid, skipAggregation }: { guid: string; skipAggregation: boolean }) =>
      client.getOAuthWindowUri(guid, skipAggregation),
  });
