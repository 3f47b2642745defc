"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
};

export function UsersTable({ users, meId }: { users: TUserRow[]; meId: string }) {
  const router = useRouter();
  const toast = useToast();
  const [pending, startTransition] = useTransition();
  const [reset, setReset] = useState<{ email: string; temporaryPassword: string } | null>(null);

  const run = (work: () => Promise<{ ok: boolean; error?: string }>, success: string) =>
    startTransition(async () => {
      const res = await work();
      if (res.ok) {
        toast.success(success);
        router.refresh();
      } else {
        toast.error(res.error ?? "Failed");
        router.refresh();
      }
    });

  if (users.length === 0) return <p className="empty">No users.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Last sign-in</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.email}`}>
              <td>{u.name}{u.id === meId ? <span className="muted"> (you)</span> : null}</td>
              <td className="mono">{u.email}</td>
              <td>
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
              </td>
              <td>
                {u.active ? <span className="badge">Active</span> : <span className="badge off">Deactivated</span>}
                {u.mustChangePassword ? <span className="badge"> Temporary password</span> : null}
              </td>
              <td className="muted nowrap">{u.lastSignInAt ? formatUtc(u.lastSignInAt) : "Never"}</td>
              <td>
                <div className="actions">
                  {u.id !== meId ? (
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
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
    </div>
  );
}
