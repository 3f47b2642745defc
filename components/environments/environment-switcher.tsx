"use client";
// The header's "Environment" switcher (SPEC §7): No environment (the configurations' defaults) or
// one environment, remembered per user; Test and the configuration pages work in it.
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { selectEnvironmentAction } from "@/lib/environments/actions";

export function EnvironmentSwitcher({ environments, selectedId }: { environments: Array<{ id: string; name: string }>; selectedId: string }) {
  const router = useRouter();
  const id = useId();
  const [value, setValue] = useState(selectedId);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <div className="env-switcher sidebar-field">
      <label htmlFor={id}>Environment</label>
      <select
        id={id}
        value={value}
        aria-busy={pending || undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          const next = e.target.value;
          const previous = value;
          setValue(next);
          setError(null);
          startTransition(async () => {
            const res = await selectEnvironmentAction({ environmentId: next || null }).catch(() => ({ ok: false as const, error: "The server could not be reached. Try again." }));
            if (!res.ok) {
              setValue(previous);
              setError(res.error);
              return;
            }
            router.refresh();
          });
        }}
      >
        <option value="">No environment</option>
        {environments.map((e) => (
          <option key={e.id} value={e.id}>{e.name}</option>
        ))}
      </select>
      {error ? (
        <p role="alert" className="env-switcher-error" id={`${id}-error`}>{error}</p>
      ) : null}
    </div>
  );
}
