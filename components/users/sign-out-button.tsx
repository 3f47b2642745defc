"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { signOutTo } from "./sign-out";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <Button
      size="small"
      pending={pending}
      onClick={() => {
        setPending(true);
        signOutTo("/login").catch(() => setPending(false));
      }}
    >
      Sign out
    </Button>
  );
}
