"use client";
// Unexpected errors: the user sees a generic message and a reference; the server log has the rest.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Something went wrong</h1>
        <p role="alert">The page could not be shown. The error has been logged{error.digest ? ` (reference ${error.digest})` : ""}.</p>
        <button type="button" className="btn" onClick={reset}>Try again</button>
      </div>
    </main>
  );
}
