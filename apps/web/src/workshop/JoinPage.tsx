import { useState, type FormEvent } from 'react';
import { labPath } from '../address';
import { ApiError, workshops } from '../api';
import { setToken, token } from '../token';
import { joinErrorText } from './joinError';
import { Alert } from '../panels/fields';

/** `/join/CODE`: a name in, the participant's own secret kept as the page's token, then their lab in the designer. */
export function JoinPage({ code }: { code: string }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [hadToken] = useState(() => token() !== null);
  const join = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await workshops.join(code, name.trim());
      setToken(r.secret);
      location.assign(labPath(r.workshop.lab));
    } catch (err) {
      setError(err instanceof ApiError ? joinErrorText(err.status, err.message) : joinErrorText(undefined, (err as Error).message));
      setBusy(false);
    }
  };
  return (
    <main className="join-page">
      <form onSubmit={(e) => void join(e)} aria-labelledby="join-title">
        <h1 id="join-title">Join the workshop</h1>
        <p>Type your name: you get your own copy of the workshop's lab, to build, break and fix as you like.</p>
        <div className="field">
          <label htmlFor="join-name">Your name</label>
          <input id="join-name" value={name} autoFocus autoComplete="name" onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          Join
        </button>
        <Alert message={error} />
        {hadToken && (
          <p className="hint">
            This browser already holds an nslab access token (from an earlier join, or the instructor's): joining replaces it.
          </p>
        )}
      </form>
    </main>
  );
}
