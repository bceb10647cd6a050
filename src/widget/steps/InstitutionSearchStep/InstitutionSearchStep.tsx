import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { favoriteInstitutionsQuery, institutionQuery, institutionSearchQuery } from '../../../api/queries';
import type { Institution } from '../../../api/schemas';
import { useFlow, useTiming } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { InstitutionLogo } from '../../ui/InstitutionLogo';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';

export const MIN_SEARCH_LENGTH = 2;

function useDebouncedValue<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function InstitutionList({
  institutions,
  labelledBy,
  onSelect,
}: {
  institutions: readonly Institution[];
  labelledBy: string;
  onSelect: (institution: Institution) => void;
}) {
  // Arrow keys move between institutions; Tab and Enter work as usual since every item is a button.
  const handleKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button.mc-institution')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : index + (event.key === 'ArrowDown' ? 1 : -1);
    const target = buttons[Math.max(0, Math.min(buttons.length - 1, next))];
    if (target !== undefined) {
      event.preventDefault();
      target.focus();
    }
  };
  return (
    <ul className="mc-list" aria-labelledby={labelledBy} onKeyDown={handleKeyDown}>
      {institutions.map((institution) => (
        <li key={institution.code}>
          <button type="button" className="mc-institution" onClick={() => onSelect(institution)}>
            <InstitutionLogo url={institution.small_logo_url} name={institution.name} />
            <span className="mc-institution-name">{institution.name}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function InstitutionSearchStep() {
  const t = useCopy();
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { dispatch, emit, idPrefix, draft } = useFlow();
  const { searchDebounceMs } = useTiming();
  const [term, setTerm] = useState(() => draft.read().searchTerm);
  const query = useDebouncedValue(term.trim(), searchDebounceMs);
  const isSearching = query.length >= MIN_SEARCH_LENGTH;
  const favorites = useQuery({ ...favoriteInstitutionsQuery(client), enabled: !isSearching });
  const search = useInfiniteQuery({ ...institutionSearchQuery(client, query), enabled: isSearching });
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    draft.save({ searchTerm: term });
  }, [draft, term]);
  useEffect(() => {
    if (query.length >= MIN_SEARCH_LENGTH) emit('institutionSearch', { query });
  }, [emit, query]);

  const select = (institution: Institution) => {
    // Seed the detail cache: the credentials step shows the header without another request.
    queryClient.setQueryData(institutionQuery(client, institution.code).queryKey, institution);
    emit('selectedInstitution', { code: institution.code, name: institution.name });
    dispatch({ type: 'institutionSelected', institutionCode: institution.code, isOAuth: institution.supports_oauth === true });
  };

  const handleInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'ArrowDown') return;
    const first = listRef.current?.querySelector<HTMLButtonElement>('button.mc-institution');
    if (first) {
      event.preventDefault();
      first.focus();
    }
  };

  const inputId = `${idPrefix}-search`;
  const hintId = `${inputId}-hint`;
  const listHeadingId = `${idPrefix}-list-heading`;
  const results = search.data?.pages.flatMap((page) => page.institutions) ?? [];
  const total = search.data?.pages.at(-1)?.pagination?.totalEntries ?? results.length;

  let body;
  if (isSearching) {
    if (search.isPending) body = <StatusMessage busy>{t('searching')}</StatusMessage>;
    else if (search.isError && results.length === 0) {
      body = (
        <ErrorMessage title={t('searchError')}>
          <p>{describeError(t, search.error)}</p>
          <button type="button" className="mc-button" onClick={() => void search.refetch()}>
            {t('retry')}
          </button>
        </ErrorMessage>
      );
    } else if (results.length === 0) body = <StatusMessage>{t('noResults', { query })}</StatusMessage>;
    else {
      body = (
        <>
          <h3 className="mc-subheading" id={listHeadingId}>
            {t('resultsHeading')}
          </h3>
          <InstitutionList institutions={results} labelledBy={listHeadingId} onSelect={select} />
          <StatusMessage busy={search.isFetchingNextPage}>{t('resultsCount', { shown: results.length, total })}</StatusMessage>
          {search.isFetchNextPageError ? <ErrorMessage>{describeError(t, search.error)}</ErrorMessage> : null}
          {search.hasNextPage ? (
            <button
              type="button"
              className="mc-button mc-button-secondary"
              disabled={search.isFetchingNextPage}
              onClick={() => void search.fetchNextPage()}
            >
              {t('showMore')}
            </button>
          ) : null}
        </>
      );
    }
  } else if (favorites.isPending) body = <StatusMessage busy>{t('loading')}</StatusMessage>;
  else if (favorites.isError) {
    body = (
      <ErrorMessage title={t('searchError')}>
        <p>{describeError(t, favorites.error)}</p>
        <button type="button" className="mc-button" onClick={() => void favorites.refetch()}>
          {t('retry')}
        </button>
      </ErrorMessage>
    );
  } else {
    body = (
      <>
        <h3 className="mc-subheading" id={listHeadingId}>
          {t('popularHeading')}
        </h3>
        <InstitutionList institutions={favorites.data.institutions} labelledBy={listHeadingId} onSelect={select} />
      </>
    );
  }

  return (
    <StepLayout title={t('searchHeading')} state={isSearching ? 'searching' : 'favorites'}>
      <div className="mc-field">
        <label className="mc-label" htmlFor={inputId}>
          {t('searchLabel')}
        </label>
        <input
          id={inputId}
          className="mc-input"
          type="search"
          autoComplete="off"
          value={term}
          onChange={(event) => setTerm(event.target.value)}
          onKeyDown={handleInputKeyDown}
          aria-describedby={hintId}
        />
        <p className="mc-hint" id={hintId}>
          {t('searchHint')}
        </p>
      </div>
      <div ref={listRef}>{body}</div>
    </StepLayout>
  );
}
