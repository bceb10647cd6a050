import type { ReactNode } from 'react';

import { useFlow } from '../flowContext';
import { useCopy } from '../ui/copyContext';
import { StepLayout } from '../ui/StepLayout';

export interface DeadEndProps {
  title: string;
  body: string;
  /** `data-state` of the step (styles and tests tell the dead ends apart by it). */
  state: string;
  logo: ReactNode;
}

/**
 * A step where nothing more can be done at this bank (it cannot verify, or has no account to verify): why, in one
 * sentence, and one way on, another bank. In `steps/` rather than `ui/` because it dispatches to the flow.
 */
export function DeadEnd({ title, body, state, logo }: DeadEndProps) {
  const t = useCopy();
  const { dispatch } = useFlow();
  return (
    <StepLayout title={title} state={state} logo={logo}>
      <p className="mc-text">{body}</p>
      <div className="mc-actions">
        <button
          type="button"
          className="mc-button mc-button-primary"
          onClick={() => dispatch({ type: 'backRequested' })}
        >
          {t('chooseAnotherBank')}
        </button>
      </div>
    </StepLayout>
  );
}
