"use client";
// "Create environment" and "Edit" (rename, description): one dialog with Name and Description.
// ZEnvironmentInput checks them here and again in the server action; the server's field errors,
// a taken name included, show on the fields.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useToast } from "@/components/ui/toast";
import { createEnvironmentAction, updateEnvironmentAction } from "@/lib/environments/actions";
import { lazyZodResolver } from "@/components/ui/lazy-resolver";

type TForm = { name: string; description: string };
const RESOLVER = lazyZodResolver<TForm>(() => import("@/lib/environments/schema").then((m) => m.ZEnvironmentInput));

export function EnvironmentDialog({ environment }: { environment?: { id: string; name: string; description: string } }) {
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const initial: TForm = { name: environment?.name ?? "", description: environment?.description ?? "" };
  const form = useForm<TForm>({ defaultValues: initial, resolver: RESOLVER });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      if (environment) {
        const res = await updateEnvironmentAction({ id: environment.id, values });
        if (!res.ok) return applyServerErrors(form, res, "values.");
        toast.success(`Saved "${values.name}".`);
        setOpen(false);
        router.refresh();
      } else {
        const res = await createEnvironmentAction(values);
        if (!res.ok) return applyServerErrors(form, res);
        toast.success(`Created "${values.name}".`);
        setOpen(false);
        router.push(`/environments/${res.data.id}`);
      }
    } catch {
      form.setError("root.serverError", { message: "The server could not be reached. Check your connection and try again." });
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) form.reset(initial);
      }}
    >
      <DialogTrigger asChild>
        {environment ? (
          <Button size="small" aria-label={`Edit ${environment.name}`}>Edit</Button>
        ) : (
          <Button variant="primary">Create environment</Button>
        )}
      </DialogTrigger>
      <DialogContent
        title={environment ? "Edit environment" : "Create environment"}
        description={environment ? undefined : "Variables and overrides are added on the environment's page."}
      >
        <form className="form" onSubmit={onSubmit} noValidate>
          <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
          <TextField label="Name" autoComplete="off" hint="For example Development, Test or Production." error={errors.name?.message} {...form.register("name")} />
          <TextField label="Description" autoComplete="off" error={errors.description?.message} {...form.register("description")} />
          <div className="dialog-footer">
            <DialogClose asChild><Button>Cancel</Button></DialogClose>
            <Button type="submit" variant="primary" pending={isSubmitting}>{environment ? "Save" : "Create"}</Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
