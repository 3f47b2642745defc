"use client";
// API tokens: the viewer's own (admins: everybody's, with the owner), recognised by their prefix,
// newest first; Revoke per active token, confirmed first, effective at once.
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { revokeApiTokenAction } from "@/lib/api-tokens/actions";
import type { TApiTokenRow } from "@/lib/api-tokens/store";

const time = (value: string | null) => <span className="muted">{value ? formatUtc(value) : "Never"}</span>;

const ownerColumn: TColumn<TApiTokenRow> = {
  key: "owner",
  header: "Owner",
  sortValue: (t) => t.owner.name,
  cell: (t) => (
    <>
      {t.owner.name}
      <div className="muted mono">{t.owner.email}</div>
    </>
  ),
};

const columns = (showOwner: boolean): TColumn<TApiTokenRow>[] => [
  { key: "name", header: "Name", sortValue: (t) => t.name, cell: (t) => t.name },
  { key: "prefix", header: "Prefix", nowrap: true, className: "mono", cell: (t) => <span data-testid="api-token-prefix">{t.prefix}…</span> },
  ...(showOwner ? [ownerColumn] : []),
  { key: "created", header: "Created", nowrap: true, sortValue: (t) => t.createdAt, cell: (t) => time(t.createdAt) },
  // "Never" expires sorts last either way: an empty sort value.
  { key: "expires", header: "Expires", nowrap: true, sortValue: (t) => t.expiresAt, cell: (t) => time(t.expiresAt) },
  { key: "used", header: "Last used", nowrap: true, sortValue: (t) => t.lastUsedAt, cell: (t) => time(t.lastUsedAt) },
  { key: "rate", header: "Requests per second", sortValue: (t) => t.rateLimit, cell: (t) => t.rateLimit ?? "Unlimited" },
  {
    key: "status",
    header: "Status",
    sortValue: (t) => t.status,
    cell: (t) => <span className={t.status === "active" ? "badge" : "badge off"} data-testid="api-token-status">{t.status}</span>,
  },
];

type TProps = { tokens: TApiTokenRow[]; showOwner: boolean; state: TTableState; params: TSearchParams };

export function ApiTokensTable({ tokens, showOwner, state, params }: TProps) {
  const router = useRouter();
  const toast = useToast();

  return (
    <DataTable
      label="API tokens"
      noun={["token", "tokens"]}
      columns={columns(showOwner)}
      rows={tokens}
      rowKey={(t) => t.id}
      rowTestId={(t) => `api-token-row-${t.name}`}
      state={state}
      path="/api-tokens"
      params={params}
      empty={<p>No API tokens yet. Create one to call the REST API: choose Create token above.</p>}
      actions={(t) =>
        t.status === "active" ? (
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
        ) : null
      }
    />
  );
}
