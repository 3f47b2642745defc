"use client";
import { useState, type ReactNode } from "react";
import { Button } from "./button";
import { Dialog, DialogClose, DialogContent, DialogTrigger } from "./dialog";
import { AlertMessage } from "./messages";

/** A button that asks before doing something that cannot be undone. */
export function ConfirmDialog(props: {
  trigger: string;
  triggerLabel?: string;
  title: string;
  description: ReactNode;
  confirm: string;
  onConfirm: () => Promise<string | null>;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); setError(null); }}>
      <DialogTrigger asChild>
        <Button variant="danger" size="small" aria-label={props.triggerLabel}>{props.trigger}</Button>
      </DialogTrigger>
      <DialogContent title={props.title} description={props.description}>
        <AlertMessage>{error}</AlertMessage>
        <div className="dialog-footer">
          <DialogClose asChild><Button>Cancel</Button></DialogClose>
          <Button
            variant="danger-solid"
            pending={pending}
            onClick={async () => {
              setPending(true);
              const err = await props.onConfirm();
              setPending(false);
              if (err) setError(err);
              else setOpen(false);
            }}
          >
            {props.confirm}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
