import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

type TProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  /**
   * The one button hierarchy: "primary" for the view's main action (one per view or dialog),
   * "secondary" (the default) for the rest, "danger" for a destructive action (it opens a
   * confirmation), "danger-solid" for the button in that confirmation that does it.
   */
  variant?: "primary" | "secondary" | "danger" | "danger-solid";
  size?: "normal" | "small";
  /** Shows the work in progress and blocks a second click. */
  pending?: boolean;
};

export function Button({ variant = "secondary", size = "normal", pending, className, children, disabled, type = "button", ...rest }: TProps) {
  return (
    <button
      type={type}
      className={cn(
        "btn",
        variant === "primary" && "primary",
        variant === "danger" && "danger",
        variant === "danger-solid" && "danger solid",
        size === "small" && "small",
        className,
      )}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...rest}
    >
      {children}
    </button>
  );
}
