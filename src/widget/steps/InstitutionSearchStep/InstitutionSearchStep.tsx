import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';

import { useApiClient } from '../../../api/ApiClientProvider';
import { favoriteInstitutionsQuery, institutionQuery, institutionSearchQuery } from '../../../api/queries';
import type { Institution } from '../../../api/schemas';
import { useFlow, useTiming } from '../../flowContext';
import { useCopy } from '../../ui/copyContext';
import { describeError } from '../../ui/errorCopy';
import { SearchIcon } from '../../ui/icons';
import { ErrorMessage, StatusMessage, StepLayout } from '../../ui/StepLayout';
import { InstitutionListbox, SkeletonOptions } from './InstitutionListbox';

export const MIN_SEARCH_LENGTH = 2;

function useDebouncedValue<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function InstitutionSearchStep() {
  const t = useCopy();
  const client = useApiClient();
  const queryClient = useQueryClient();
  const { dispatch, emit, idPrefix, draft, mode } = useFlow();
  const isVerifying = mode === 'verification';
  const { searchDebounceMs } = useTiming();
  const [term, setTerm] = useState(() => draft.read().searchTerm);
  // Coming back (Back from the login): the bank chosen before takes focus in the list, once.
  const [returnTo] = useState(() => draft.read().chosenInstitution);
  useEffect(() => draft.save({ chosenInstitution: undefined }), [draft]);
  const query = useDebouncedValue(term.trim(), searchDebounceMs);
  const isSearching = query.length >= MIN_SEARCH_LENGTH;
  const favorites = useQuery({ ...favoriteInstitutionsQuery(client), enabled: !isSearching });
  const search = useInfiniteQuery({ ...institutionSearchQuery(client, query, queryClient), enabled: isSearching });

  useEffect(() => {
    draft.save({ searchTerm: term });
  }, [draft, term]);
  useEffect(() => {
    if (query.length >= MIN_SEARCH_LENGTH) emit('institutionSearch', { query });
  }, [emit, query]);

  const select = (institution: Institution) => {
    // Seed the detail cache: the credentials step shows the header without another request.
    queryClient.setQueryData(institutionQuery(client, institution.code).queryKey, institution);
    draft.save({ chosenInstitution: institution.code });
    emit('selectedInstitution', { code: institution.code, name: institution.name });
    dispatch({
      type: 'institutionSelected',
      institutionCode: institution.code,
      // A bank that cannot verify is explained by the login step before anything opens, OAuth or not.
      isOAuth:
        institution.supports_oauth === true && !(isVerifying && institution.supports_account_verification === false),
    });
  };

  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const clear = () => {
    setTerm('');
    inputRef.current?.focus();
  };
  const handleInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      const option = listRef.current?.querySelector<HTMLElement>('[role="option"][tabindex="0"]');
      if (option) {
        event.preventDefault();
        option.focus();
      }
    } else if (event.key === 'Escape' && term !== '') {
      // Clears the box; an Escape in an empty box is left to the host (e.g. a modal's close).
      event.preventDefault();
      setTerm('');
    }
  };
  const leaveList = (key: 'ArrowUp' | 'Escape') => (key === 'Escape' ? clear() : inputRef.current?.focus());

  const inputId = `${idPrefix}-search`;
  const hintId = `${inputId}-hint`;
  const listHeadingId = `${idPrefix}-list-heading`;
  const results = search.data?.pages.flatMap((page) => page.institutions) ?? [];
  const total = search.data?.pages.at(-1)?.pagination?.totalEntries ?? results.length;
  const active = isSearching ? search : favorites;
  // A failed request is said at once (offline, 5xx) while TanStack keeps retrying in the background; waiting for the
  // last retry would leave the person looking at a skeleton for ~15 s (issue 12 §2).
  const failure = active.isError ? active.error : active.isPending ? active.failureReason : null;

  const notListed = (
    <button
      type="button"
      className="mc-button mc-button-secondary"
      onClick={() => dispatch({ type: 'notListedChosen' })}
    >
      {t('notListed')}
    </button>
  );

  let body;
  if (failure !== null && (isSearching ? results.length === 0 : favorites.data === undefined)) {
    body = (
      <ErrorMessage title={t('searchError')}>
        <p>{describeError(t, failure)}</p>
        {active.isPending ? <p className="mc-hint">{t('searchRetrying')}</p> : null}
        <button type="button" className="mc-button" onClick={() => void active.refetch()}>
          {t('retry')}
        </button>
      </ErrorMessage>
    );
  } else if (active.isPending) {
    body = (
      <>
        {/* The heading the answer will have, already in place: nothing moves when it arrives. */}
        <h3 className="mc-subheading">{t(isSearching ? 'resultsHeading' : 'popularHeading')}</h3>
        <p className="mc-visually-hidden" role="status">
          {t(isSearching ? 'searching' : 'loading')}
        </p>
        <SkeletonOptions count={isSearching ? 4 : 6} layout={isSearching ? 'list' : 'tiles'} />
      </>
    );
  } else if (isSearching && results.length === 0) {
    body = (
      <div className="mc-empty">
        <p className="mc-text" role="status">
          {t('noResults', { query })}
        </p>
        <p className="mc-text">{t('noResultsAdvice')}</p>
        {notListed}
      </div>
    );
  } else if (isSearching) {
    body = (
      <>
        <h3 className="mc-subheading" id={listHeadingId}>
          {t('resultsHeading')}
        </h3>
        <InstitutionListbox
          institutions={results}
          labelledBy={listHeadingId}
          layout="list"
          focusCode={returnTo}
          onSelect={select}
          onLeave={leaveList}
          isVerifying={isVerifying}
        />
        <StatusMessage busy={search.isFetchingNextPage}>
          {t('resultsCount', { shown: results.length, total })}
        </StatusMessage>
        {search.isFetchNextPageError ? <ErrorMessage>{describeError(t, search.error)}</ErrorMessage> : null}
        <div className="mc-actions">
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
          {notListed}
        </div>
      </>
    );
  } else {
    body = (
      <>
        <h3 className="mc-subheading" id={listHeadingId}>
          {t('popularHeading')}
        </h3>
        <InstitutionListbox
          institutions={favorites.data?.institutions ?? []}
          labelledBy={listHeadingId}
          layout="tiles"
          focusCode={returnTo}
          onSelect={select}
          onLeave={leaveList}
          isVerifying={isVerifying}
        />
      </>
    );
  }

  const showHint = term.trim().length < MIN_SEARCH_LENGTH;
  return (
    <StepLayout title={t('searchHeading')} state={isSearching ? 'searching' : 'favorites'}>
      <div className="mc-field">
        <label className="mc-label" htmlFor={inputId}>
          {t('searchLabel')}
        </label>
        <div className="mc-search">
          <SearchIcon />
          <input
            ref={inputRef}
            id={inputId}
            className="mc-input"
            type="search"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('searchPlaceholder')}
            value={term}
            onChange={(event) => setTerm(event.target.value)}
            onKeyDown={handleInputKeyDown}
            aria-describedby={showHint ? hintId : undefined}
          />
        </div>
        {showHint ? (
          <p className="mc-hint" id={hintId}>
            {t('searchHint')}
          </p>
        ) : null}
      </div>
      <div ref={listRef}>{body}</div>
    </StepLayout>
  );
}
