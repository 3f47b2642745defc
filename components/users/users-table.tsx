"use client";
// The Users list, newest first: role changed in place, (de)activate, reset password, delete. The
// admin's own row has no actions that would lock them out.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { formatUtc } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { changeRoleAction, deleteUserAction, resetPasswordAction, setActiveAction } from "@/lib/users/actions";
import type { TRole } from "@/lib/users/schema";
import { TemporaryPassword } from "./temporary-password";

export type TUserRow = {
  id: string;
  name: string;
  email: string;
  role: TRole;
  active: boolean;
  mustChangePassword: boolean;
  lastSignInAt: string | null;
  createdAt: string;
};

type TProps = { users: TUserRow[]; meId: string; state: TTableState; params: TSearchParams };

export function UsersTable({ users, meId, state, params }: TProps) {
  const router = useRouter();
  const toast = useToast();
  const [pending, startTransition] = useTransition();
  const [reset, setReset] = useState<{ email: string; temporaryPassword: string } | null>(null);

  const run = (work: () => Promise<{ ok: boolean; error?: string }>, success: string) =>
    startTransition(async () => {
      const res = await work();
      if (res.ok) toast.success(success);
      else toast.error(res.error ?? "Failed");
      router.refresh();
    });

  const columns: TColumn<TUserRow>[] = [
    { key: "name", header: "Name", sortValue: (u) => u.name, cell: (u) => <>{u.name}{u.id === meId ? <span className="muted"> (you)</span> : null}</> },
    { key: "email", header: "Email", className: "mono", sortValue: (u) => u.email, cell: (u) => u.email },
    {
      key: "role",
      header: "Role",
      sortValue: (u) => u.role,
      cell: (u) => (
        <>
          <label className="visually-hidden" htmlFor={`role-${u.id}`}>Role of {u.email}</label>
          <select
            id={`role-${u.id}`}
            className="inline-select"
            value={u.role}
            disabled={pending}
            onChange={(e) => {
              const role = e.target.value as TRole;
              run(() => changeRoleAction({ userId: u.id, role }), `${u.email} is now ${role === "ADMIN" ? "an admin" : "a member"}.`);
            }}
          >
            <option value="ADMIN">Admin</option>
            <option value="MEMBER">Member</option>
          </select>
        </>
      ),
    },
    {
      key: "status",
      header: "Status",
      sortValue: (u) => (u.active ? 1 : 0),
      cell: (u) => (
        <>
          {u.active ? <span className="badge">Active</span> : <span className="badge off">Deactivated</span>}
          {u.mustChangePassword ? <span className="badge"> Temporary password</span> : null}
        </>
      ),
    },
    { key: "signin", header: "Last sign-in", nowrap: true, sortValue: (u) => u.lastSignInAt, cell: (u) => <span className="muted">{u.lastSignInAt ? formatUtc(u.lastSignInAt) : "Never"}</span> },
    { key: "created", header: "Added", nowrap: true, sortValue: (u) => u.createdAt, cell: (u) => <span className="muted">{formatUtc(u.createdAt)}</span> },
  ];

  return (
    <>
      <DataTable
        label="Users"
        noun={["user", "users"]}
        columns={columns}
        rows={users}
        rowKey={(u) => u.id}
        rowTestId={(u) => `user-row-${u.email}`}
        state={state}
        path="/users"
        params={params}
        empty={<p>No users. Choose Create user to add one.</p>}
        actions={(u) =>
          u.id === meId ? null : (
            <>
              <Button
                size="small"
                disabled={pending}
                aria-label={`${u.active ? "Deactivate" : "Activate"} ${u.email}`}
                onClick={() => run(() => setActiveAction({ userId: u.id, active: !u.active }), `${u.email} ${u.active ? "deactivated" : "activated"}.`)}
              >
                {u.active ? "Deactivate" : "Activate"}
              </Button>
              <Button
                size="small"
                disabled={pending}
                aria-label={`Reset password of ${u.email}`}
                onClick={() =>
                  startTransition(async () => {
                    const res = await resetPasswordAction({ userId: u.id });
                    if (res.ok) setReset(res.data);
                    else toast.error(res.error);
                    router.refresh();
                  })
                }
              >
                Reset password
              </Button>
              <ConfirmDialog
                trigger="Delete"
                triggerLabel={`Delete ${u.email}`}
                title={`Delete ${u.email}?`}
                description="The account and its personal OAuth tokens and API tokens are removed. Audit entries keep the email."
                confirm="Delete"
                onConfirm={async () => {
                  const res = await deleteUserAction({ userId: u.id });
                  if (!res.ok) return res.error;
                  toast.success(`${u.email} deleted.`);
                  router.refresh();
                  return null;
                }}
              />
            </>
          )
        }
      />
      <Dialog open={reset !== null} onOpenChange={(o) => { if (!o) setReset(null); }}>
        {reset ? (
          <DialogContent title="Password reset">
            <TemporaryPassword email={reset.email} password={reset.temporaryPassword} verb="has a new password" />
            <div className="dialog-footer">
              <DialogClose asChild><Button variant="primary">Done</Button></DialogClose>
            </div>
          </DialogContent>
        ) : null}
      </Dialog>
    </>
  );
}
