"use client";
// The admin's controls on a listener's page: Edit (its own page), Enable/Disable and Delete (after
// confirming; the listener's messages go with it).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { UNREACHABLE } from "@/components/ui/use-action";
import { deleteListenerAction, setListenerEnabledAction } from "@/lib/listeners/actions";


export function ListenerControls({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const router = useRouter();
  const toast = useToast();
  const [pending, setPending] = useState(false);

  const toggle = async () => {
    setPending(true);
    try {
      const res = await setListenerEnabledAction({ id, enabled: !enabled });
      if (!res.ok) toast.error(res.error);
      else {
        toast.success(enabled ? `Disabled "${name}": its URL answers 404.` : `Enabled "${name}".`);
        router.refresh();
      }
    } catch {
      toast.error(UNREACHABLE);
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="actions" data-testid="listener-actions">
      <Link className="btn small" href={`/listeners/${id}/edit`}>Edit</Link>
      <Button size="small" pending={pending} onClick={toggle}>{enabled ? "Disable" : "Enable"}</Button>
      <ConfirmDialog
        trigger="Delete"
        triggerLabel={`Delete ${name}`}
        title={`Delete "${name}"?`}
        description="Its URL stops answering at once, and every message it stored is deleted with it, with its attempts; hand-offs still waiting are not made. This cannot be undone."
        confirm="Delete"
        onConfirm={async () => {
          try {
            const res = await deleteListenerAction({ id });
            if (!res.ok) return res.error;
          } catch {
            return UNREACHABLE;
          }
          toast.success(`Deleted "${name}".`);
          router.push("/listeners");
          return null;
        }}
      />
    </div>
  );
}
