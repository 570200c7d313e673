/**
 * The one place errors are shown: always in the page (empty when there is none) so screen readers announce
 * what appears in it. The API's message, and its requestId to quote when asking for help.
 */
import { describeError } from '../format.ts';

export function ErrorRegion({ error }: { error: unknown }) {
  const shown = error === undefined ? undefined : describeError(error);
  return (
    <div role="alert" class={shown ? 'error' : 'error empty'}>
      {shown && (
        <p>
          {shown.message}
          {shown.requestId && (
            <>
              {' '}
              (requestId: <code>{shown.requestId}</code>)
            </>
          )}
        </p>
      )}
    </div>
  );
}
