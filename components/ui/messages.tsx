import type { ReactNode } from "react";

/** A success message (role="status"). */
export function StatusMessage({ children }: { children: ReactNode }) {
  return <div role="status" className="message success">{children}</div>;
}

/** An error message (role="alert"); renders nothing without a message. */
export function AlertMessage({ children, testId = "form-error" }: { children?: ReactNode; testId?: string }) {
  if (!children) return null;
  return <div role="alert" className="message error" data-testid={testId}>{children}</div>;
}
