"use client";
// API tokens: the viewer's own (admins: everybody's, with the owner), recognised by their prefix;
// Revoke per active token, confirmed first, effective at once.
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { formatUtc } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { revokeApiTokenAction } from "@/lib/api-tokens/actions";
import type { TApiTokenRow } from "@/lib/api-tokens/store";

export function ApiTokensTable({ tokens, showOwner }: { tokens: TApiTokenRow[]; showOwner: boolean }) {
  const router = useRouter();
  const toast = useToast();

  if (tokens.length === 0) return <p className="empty panel">No API tokens yet. Create one to call the REST API.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            {showOwner ? <th scope="col">Owner</th> : null}
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Requests per second</th>
            <th scope="col">Status</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-testid={`api-token-row-${t.name}`}>
              <td>{t.name}</td>
              <td className="mono nowrap" data-testid="api-token-prefix">{t.prefix}…</td>
              {showOwner ? (
                <td>
                  {t.owner.name}
                  <div className="muted mono">{t.owner.email}</div>
                </td>
              ) : null}
              <td className="muted nowrap">{formatUtc(t.createdAt)}</td>
              <td className="muted nowrap">{t.expiresAt ? formatUtc(t.expiresAt) : "Never"}</td>
              <td className="muted nowrap">{t.lastUsedAt ? formatUtc(t.lastUsedAt) : "Never"}</td>
              <td>{t.rateLimit ?? "Unlimited"}</td>
              <td>
                <span className={t.status === "active" ? "badge" : "badge off"} data-testid="api-token-status">{t.status}</span>
              </td>
              <td>
                <div className="actions">
                  {t.status === "active" ? (
                    <ConfirmDialog
                      trigger="Revoke"
                      triggerLabel={`Revoke ${t.name}`}
                      title={`Revoke "${t.name}"?`}
                      description={`Requests with ${t.prefix}… are refused from now on. This cannot be undone.`}
                      confirm="Revoke"
                      onConfirm={async () => {
                        const res = await revokeApiTokenAction({ id: t.id });
                        if (!res.ok) return res.error;
                        toast.success(`Revoked "${t.name}".`);
                        router.refresh();
                        return null;
                      }}
                    />
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
