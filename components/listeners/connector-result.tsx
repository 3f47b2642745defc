// Run a connector: the last run's upstream status, the outputs its response mapping produced, or
// why it did not run.
import type { TConnectorResult } from "@/lib/listeners/queries";

export function ConnectorResult({ result }: { result: TConnectorResult }) {
  return (
    <dl className="facts" data-testid="connector-result">
      <dt>Status</dt>
      <dd>{result.status ?? <span className="muted">—</span>}</dd>
      <dt>Outputs</dt>
      <dd>
        {result.outputs && Object.keys(result.outputs).length > 0 ? (
          <pre className="response-text mono" data-testid="connector-outputs">{JSON.stringify(result.outputs, null, 2)}</pre>
        ) : (
          <span className="muted">None</span>
        )}
      </dd>
      <dt>Error</dt>
      <dd>{result.error ? <span className="status-bad">{result.error}</span> : <span className="muted">—</span>}</dd>
    </dl>
  );
}
