import type { ReactNode } from 'react';
import type { Problem } from '../lib/errors';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** A problem in words, with a retry when the screen can try again. */
export function ErrorNote({ problem, onRetry }: { problem: Problem | null; onRetry?: () => void }) {
  if (!problem) return null;
  return (
    <div className="state error" role="alert" data-code={problem.code}>
      {problem.message}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function FieldError({ message, id }: { message?: string; id: string }) {
  return message ? (
    <div className="field-error" id={id} role="alert">
      {message}
    </div>
  ) : null;
}
