"use client";
// After a callback answered 410 Gone: deliveries wait ("held") until an admin enables them again.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { enableDeliveryAction } from "@/lib/events/actions";

export function EnableDeliveryButton({ subscriptionId }: { subscriptionId: string }) {
  const router = useRouter();
  const toast = useToast();
  const [pending, setPending] = useState(false);
  return (
    <Button
      size="small"
      variant="primary"
      pending={pending}
      onClick={async () => {
        setPending(true);
        try {
          const res = await enableDeliveryAction({ id: subscriptionId });
          if (!res.ok) return toast.error(res.error);
          const n = res.data.released;
          toast.success(`Delivery enabled${n ? `: ${n} held event${n === 1 ? "" : "s"} sent again` : ""}.`);
          router.refresh();
        } catch {
          toast.error("The server could not be reached. Check your connection and try again.");
        } finally {
          setPending(false);
        }
      }}
    >
      Enable delivery
    </Button>
  );
}
