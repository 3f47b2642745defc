"use client";
// The environments: name (link to its page), description, how many fields they override, how many
// variables they define, and what still needs a value; last changed first. Admins: Edit, Copy,
// Delete per row.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { DeleteButton } from "@/components/ui/delete-button";
import { formatUtc } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { copyEnvironmentAction, deleteEnvironmentAction } from "@/lib/environments/actions";
import type { TEnvironmentRow } from "@/lib/environments/store";
import { EnvironmentDialog } from "./environment-dialog";

const columns: TColumn<TEnvironmentRow>[] = [
  {
    key: "name",
    header: "Name",
    sortValue: (e) => e.name,
    cell: (e) => (
      <>
        <Link href={`/environments/${e.id}`}>{e.name}</Link>
        {e.needsValueCount > 0 ? (
          <>
            {" "}
            <span className="badge warn" data-testid="needs-value">needs a value ({e.needsValueCount})</span>
          </>
        ) : null}
      </>
    ),
  },
  { key: "description", header: "Description", sortValue: (e) => e.description, cell: (e) => e.description || <span className="muted">—</span> },
  { key: "overrides", header: "Overridden fields", numeric: true, sortValue: (e) => e.overrideCount, cell: (e) => e.overrideCount },
  { key: "variables", header: "Variables", numeric: true, sortValue: (e) => e.variableCount, cell: (e) => e.variableCount },
  { key: "updated", header: "Changed", nowrap: true, sortValue: (e) => e.updatedAt, cell: (e) => <span className="muted">{formatUtc(e.updatedAt)}</span> },
];

type TProps = { environments: TEnvironmentRow[]; canEdit: boolean; state: TTableState; params: TSearchParams };

export function EnvironmentsTable({ environments, canEdit, state, params }: TProps) {
  const router = useRouter();
  const toast = useToast();
  const [pending, startTransition] = useTransition();

  return (
    <DataTable
      label="Environments"
      noun={["environment", "environments"]}
      columns={columns}
      rows={environments}
      rowKey={(e) => e.id}
      rowTestId={(e) => `environment-row-${e.name}`}
      state={state}
      path="/environments"
      params={params}
      empty={
        <p>
          No environments yet.{" "}
          {canEdit
            ? "Choose Create environment to override configuration fields for Development, Test or Production."
            : "An admin creates them to override configuration fields for Development, Test or Production."}
        </p>
      }
      actions={
        canEdit
          ? (e) => (
              <>
                <EnvironmentDialog environment={e} />
                <Button
                  size="small"
                  disabled={pending}
                  aria-label={`Copy ${e.name}`}
                  onClick={() =>
                    startTransition(async () => {
                      const res = await copyEnvironmentAction({ id: e.id });
                      if (!res.ok) return toast.error(res.error);
                      router.push(`/environments/${res.data.id}?copied=1`);
                    })
                  }
                >
                  Copy
                </Button>
                <DeleteButton
                  name={e.name}
                  description="Its variables, its overrides and the OAuth2 tokens obtained in it are deleted with it. Users who selected it go back to No environment. This cannot be undone."
                  onDelete={() => deleteEnvironmentAction({ id: e.id })}
                />
              </>
            )
          : undefined
      }
    />
  );
}
