// The "Expires" choices of an API token. Pure, and free of node: imports so the Create form can use it.

export const EXPIRY_CHOICES = [
  { value: "30d", label: "30 days", days: 30 },
  { value: "90d", label: "90 days", days: 90 },
  { value: "1y", label: "1 year", days: 365 },
  { value: "never", label: "No expiry", days: null },
] as const;
export type TExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

export function expiryDate(choice: TExpiryChoice, from: Date): Date | null {
  const days = EXPIRY_CHOICES.find((c) => c.value === choice)!.days;
  return days === null ? null : new Date(from.getTime() + days * 86_400_000);
}
