import type { Metadata } from "next";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { CreateUserDialog } from "@/components/users/create-user-dialog";
import { UsersTable } from "@/components/users/users-table";
import { requireAdmin } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/manage";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const me = await requireAdmin();
  const params = await searchParams;
  const users = await listUsers();
  return (
    <>
      <PageHeader
        title="Users"
        description="Admins manage everything; members browse, test connectors and authorize their own OAuth tokens."
        actions={<CreateUserDialog />}
      />
      <UsersTable
        meId={me.id}
        params={params}
        state={readTableState(params, "", { sort: "created", dir: "desc" })}
        users={users.map((u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          role: u.role as "ADMIN" | "MEMBER",
          active: u.active,
          mustChangePassword: u.mustChangePassword,
          lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
          createdAt: u.createdAt.toISOString(),
        }))}
      />
    </>
  );
}
