"use client";
// "Delete" with a confirmation dialog; the action's refusal is shown in the dialog, success as a toast.
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "./confirm-dialog";
import { useToast } from "./toast";

export function DeleteButton(props: {
  name: string;
  description: string;
  onDelete: () => Promise<{ ok: true } | { ok: false; error: string }>;
}) {
  const router = useRouter();
  const toast = useToast();
  return (
    <ConfirmDialog
      trigger="Delete"
      triggerLabel={`Delete ${props.name}`}
      title={`Delete "${props.name}"?`}
      description={props.description}
      confirm="Delete"
      onConfirm={async () => {
        const res = await props.onDelete();
        if (!res.ok) return res.error;
        toast.success(`Deleted "${props.name}".`);
        router.refresh();
        return null;
      }}
    />
  );
}
