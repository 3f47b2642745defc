"use client";

/** Shown once: the temporary password is not stored in clear and cannot be shown again. */
export function TemporaryPassword({ email, password, verb }: { email: string; password: string; verb: string }) {
  return (
    <div role="status" className="message success">
      <p>
        User <strong>{email}</strong> {verb}. Temporary password (shown only now):
      </p>
      <p>
        <span className="secret-once" data-testid="temporary-password">{password}</span>
      </p>
      <p className="muted">They will be asked to choose their own password when they sign in.</p>
    </div>
  );
}
