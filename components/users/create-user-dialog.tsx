"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { createUserAction } from "@/lib/users/actions";
import type { TCreateUser } from "@/lib/users/schema";
import { lazyZodResolver } from "@/components/ui/lazy-resolver";
import { TemporaryPassword } from "./temporary-password";

const RESOLVER = lazyZodResolver<TCreateUser>(() => import("@/lib/users/schema").then((m) => m.ZCreateUser));

export function CreateUserDialog() {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ email: string; temporaryPassword: string } | null>(null);
  const form = useForm<TCreateUser>({ resolver: RESOLVER, defaultValues: { name: "", email: "", role: "MEMBER" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const res = await createUserAction(values);
    if (!res.ok) return applyServerErrors(form, res);
    setCreated(res.data);
    form.reset();
  });

  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) { setCreated(null); form.reset(); } }}>
      <DialogTrigger asChild>
        <Button variant="primary">Create user</Button>
      </DialogTrigger>
      <DialogContent title="Create user" description="The user signs in with a temporary password and chooses their own at first sign-in.">
        {created ? (
          <>
            <TemporaryPassword email={created.email} password={created.temporaryPassword} verb="created" />
            <div className="dialog-footer">
              <DialogClose asChild><Button variant="primary">Done</Button></DialogClose>
            </div>
          </>
        ) : (
          <form className="form" onSubmit={onSubmit} noValidate>
            <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
            <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
            <TextField label="Email" type="email" error={errors.email?.message} {...form.register("email")} />
            <SelectField label="Role" error={errors.role?.message} {...form.register("role")}>
              <option value="MEMBER">Member</option>
              <option value="ADMIN">Admin</option>
            </SelectField>
            <div className="dialog-footer">
              <DialogClose asChild><Button>Cancel</Button></DialogClose>
              <Button type="submit" variant="primary" pending={isSubmitting}>Create</Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
