"use client";
// "Create token": the form, then the new token shown once in the same dialog. The token lives only
// in this dialog's state and is dropped when it closes; it never reaches a URL or the list.
// ZCreateApiToken checks the form here (loaded on the first check) and again in the server action.
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { createApiTokenAction } from "@/lib/api-tokens/actions";
import { EXPIRY_CHOICES, type TExpiryChoice } from "@/lib/api-tokens/expiry";
import type { TCreateApiToken } from "@/lib/api-tokens/schema";
import { lazyZodResolver } from "@/components/ui/lazy-resolver";
import { NewTokenOnce } from "./new-token-once";

type TForm = { name: string; expires: TExpiryChoice; rateLimit: string };
const EMPTY: TForm = { name: "", expires: "90d", rateLimit: "" };
const RESOLVER = lazyZodResolver<TForm, TCreateApiToken>(() => import("@/lib/api-tokens/schema").then((m) => m.ZCreateApiToken));

export function CreateApiTokenDialog() {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const form = useForm<TForm, unknown, TCreateApiToken>({ resolver: RESOLVER, defaultValues: EMPTY });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const res = await createApiTokenAction(values);
    if (!res.ok) return applyServerErrors(form, res);
    setCreated({ name: values.name.trim(), token: res.data.token });
    form.reset(EMPTY);
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          setCreated(null); // the only copy of the token on this page
          form.reset(EMPTY);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="primary">Create token</Button>
      </DialogTrigger>
      <DialogContent title="Create API token" description="The token acts as you, with your role, until it expires or is revoked.">
        {created ? (
          <>
            <NewTokenOnce name={created.name} token={created.token} />
            <div className="dialog-footer">
              <DialogClose asChild><Button variant="primary">Done</Button></DialogClose>
            </div>
          </>
        ) : (
          <form className="form" onSubmit={onSubmit} noValidate>
            <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
            <TextField label="Name" autoComplete="off" hint="What the token is for, e.g. the system that calls the API." error={errors.name?.message} {...form.register("name")} />
            <SelectField label="Expires" error={errors.expires?.message} {...form.register("expires")}>
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>{c.label}</option>
              ))}
            </SelectField>
            <TextField
              label="Requests per second"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              hint="Optional. Empty = unlimited."
              error={errors.rateLimit?.message}
              {...form.register("rateLimit")}
            />
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
