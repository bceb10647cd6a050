import { createContext, type ReactNode, useContext, useLayoutEffect, useRef } from 'react';

/** True once the user has moved past the first step: from then on each new step takes focus (a11y). */
export const FocusOnStepContext = createContext(false);

export interface StepLayoutProps {
  title: string;
  children: ReactNode;
  state?: string;
  logo?: ReactNode;
}

/** A step: its heading receives focus when the step appears, so screen readers and keyboards follow along. */
export function StepLayout({ title, children, state, logo }: StepLayoutProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const sectionRef = useRef<HTMLElement>(null);
  const shouldFocus = useContext(FocusOnStepContext);
  // A layout effect, in the commit that removed the old step (and with it the focused element): a passive effect would
  // run after the browser had a chance to paint, with focus on <body> meanwhile. Children's layout effects run first,
  // so a step that put focus somewhere more useful inside itself (the first field of a form) keeps it; those steps
  // must focus in a layout effect too.
  useLayoutEffect(() => {
    const section = sectionRef.current;
    if (shouldFocus && !section?.contains(section.ownerDocument.activeElement)) headingRef.current?.focus();
  }, [shouldFocus]);
  return (
    <section className="mc-step" data-state={state} ref={sectionRef}>
      <div className="mc-step-header">
        {logo}
        <h2 className="mc-heading" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
      </div>
      {children}
    </section>
  );
}

export function Spinner() {
  return <span className="mc-spinner" aria-hidden="true" />;
}

/** A visible live region: status changes are announced and also shown. */
export function StatusMessage({ children, busy = false }: { children: ReactNode; busy?: boolean }) {
  return (
    <p className="mc-status" role="status" aria-live="polite">
      {busy ? <Spinner /> : null}
      {children}
    </p>
  );
}

export function ErrorMessage({ id, title, children }: { id?: string; title?: string; children?: ReactNode }) {
  return (
    <div className="mc-alert" role="alert" id={id}>
      {title !== undefined ? <p className="mc-alert-title">{title}</p> : null}
      {children}
    </div>
  );
}
