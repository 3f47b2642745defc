"use client";
// The environments: name (link to its page), description, how many fields they override, how many
// variables they define, and what still needs a value. Admins: Edit, Copy, Delete per row.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { DeleteButton } from "@/components/ui/delete-button";
import { useToast } from "@/components/ui/toast";
import { copyEnvironmentAction, deleteEnvironmentAction } from "@/lib/environments/actions";
import type { TEnvironmentRow } from "@/lib/environments/store";
import { EnvironmentDialog } from "./environment-dialog";

export function EnvironmentsTable({ environments, canEdit }: { environments: TEnvironmentRow[]; canEdit: boolean }) {
  const router = useRouter();
  const toast = useToast();
  const [pending, startTransition] = useTransition();

  if (environments.length === 0) {
    return <p className="empty panel">No environments yet.{canEdit ? " Create one to override configuration fields for Development, Test or Production." : ""}</p>;
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col">Overridden fields</th>
            <th scope="col">Variables</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {environments.map((e) => (
            <tr key={e.id} data-testid={`environment-row-${e.name}`}>
              <td>
                <Link href={`/environments/${e.id}`}>{e.name}</Link>
                {e.needsValueCount > 0 ? (
                  <>
                    {" "}
                    <span className="badge warn" data-testid="needs-value">needs a value ({e.needsValueCount})</span>
                  </>
                ) : null}
              </td>
              <td>{e.description || <span className="muted">—</span>}</td>
              <td>{e.overrideCount}</td>
              <td>{e.variableCount}</td>
              <td>
                {canEdit ? (
                  <div className="actions">
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
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
