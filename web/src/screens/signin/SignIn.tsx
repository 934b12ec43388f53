import { useState, type FormEvent } from 'react';
import { FieldError } from '../../components/States';
import { describe } from '../../lib/errors';
import { signIn } from '../../lib/session';

/** Sign in. A failure says why in words; field problems sit next to their field. */
export function SignIn({ notice }: { notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [byField, setByField] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setByField({});
    setGeneral(null);
    try {
      const { errors } = await signIn(email, password);
      if (!errors?.length) return;
      const fields: Record<string, string> = {};
      for (const err of errors) {
        const p = describe(err);
        if (p.code === 'UNAUTHENTICATED') setGeneral('That email and password do not match an active account.');
        else if (p.field) fields[p.field.replace(/^input\./, '')] = p.message;
        else setGeneral(p.message);
      }
      setByField(fields);
    } catch {
      setGeneral('Cannot reach the server. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">Real Estate OS</h1>
        <p className="muted">Sign in to your acquisitions workspace.</p>
        {notice && (
          <div className="state notice" role="status">
            {notice}
          </div>
        )}
        {general && (
          <div className="state error" role="alert">
            {general}
          </div>
        )}
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={!!byField.email}
          aria-describedby="email-error"
          required
        />
        <FieldError id="email-error" message={byField.email} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={!!byField.password}
          aria-describedby="password-error"
          required
        />
        <FieldError id="password-error" message={byField.password} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Exploring the API? The <a href="/graphiql">GraphQL explorer</a> works offline.
        </p>
      </form>
    </main>
  );
}
