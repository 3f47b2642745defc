"use client";
import Link from "next/link";
import type { TAuthTestResult } from "@/lib/auth-configs/test-config";

/** Which environment the test ran in, as the result says it. */
export function environmentSuffix(environment: TAuthTestResult["environment"]): string {
  return environment ? `(environment ${environment.name})` : "(No environment)";
}

/** Green role="status" on success, red role="alert" with the reason otherwise; both say the environment. */
export function TestResult({ result, pending }: { result: TAuthTestResult | null; pending: boolean }) {
  if (pending) return <p className="muted" role="status">Testing… the request runs on the server.</p>;
  if (!result) return null;
  const where = <span data-testid="test-environment">{environmentSuffix(result.environment)}</span>;
  if (result.ok) {
    return <div role="status" className="message success test-result" data-testid="test-result">{result.message} {where}</div>;
  }
  return (
    <div role="alert" className="message error test-result" data-testid="test-result">
      {result.message} {where}
      {result.link ? <> <Link href={result.link.href}>{result.link.label}</Link></> : null}
      {result.bodyExcerpt ? <pre>{result.bodyExcerpt}</pre> : null}
    </div>
  );
}
