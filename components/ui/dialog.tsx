"use client";
// Accessible dialogs on Radix: focus trap, Escape to close, role="dialog" with its title.
import * as RadixDialog from "@radix-ui/react-dialog";
import type { ReactNode } from "react";

export const Dialog = RadixDialog.Root;
export const DialogTrigger = RadixDialog.Trigger;
export const DialogClose = RadixDialog.Close;

export function DialogContent({ title, description, children, className }: { title: string; description?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className="dialog-overlay" />
      <RadixDialog.Content className={className ? `dialog ${className}` : "dialog"} {...(description ? {} : { "aria-describedby": undefined })}>
        <RadixDialog.Title>{title}</RadixDialog.Title>
        {description ? (
          <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description>
        ) : null}
        {children}
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}
