import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>Access denied</h1>
        <p role="alert" data-testid="forbidden">This page is for administrators. Ask an administrator if you need access.</p>
        <Link href="/">Back to Patchbay</Link>
      </div>
    </main>
  );
}
