// The message's headers as sent, in order; credentials were replaced by "[redacted]" when stored.
export function MessageHeaders({ headers }: { headers: Array<[string, string]> }) {
  if (headers.length === 0) return <p className="muted">No headers were stored.</p>;
  return (
    <div className="table-wrap">
      <table className="header-table" aria-label="Headers">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {headers.map(([name, value], i) => (
            <tr key={i} data-testid="header-row">
              <td className="mono">{name}</td>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
