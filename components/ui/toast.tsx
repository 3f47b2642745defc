"use client";
// Toasts for outcomes of actions that leave the page in place. The region is role="status"
// (polite); error toasts carry role="alert".
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

type TToast = { id: number; kind: "success" | "error"; text: string };
type TToastApi = { success: (text: string) => void; error: (text: string) => void };

const ToastContext = createContext<TToastApi | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<TToast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: TToast["kind"], text: string) => {
      const id = Date.now() + Math.random();
      setToasts((all) => [...all, { id, kind, text }]);
      setTimeout(() => dismiss(id), 8000);
    },
    [dismiss],
  );
  const api: TToastApi = { success: (t) => push("success", t), error: (t) => push("error", t) };
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={t.kind === "error" ? "toast error" : "toast"} role={t.kind === "error" ? "alert" : undefined}>
            <span>{t.text}</span>
            <button type="button" className="btn link" onClick={() => dismiss(t.id)} aria-label="Dismiss">×</button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): TToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast needs <ToastProvider>");
  return api;
}
