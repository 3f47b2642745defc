// Validation of user input, shared by the forms (zodResolver) and the server actions.
import { z } from "zod";

export const ROLES = ["ADMIN", "MEMBER"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

const email = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address"));
const name = z.string().trim().min(1, "Enter a name").max(120, "At most 120 characters");
export const ZNewPassword = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "At most 200 characters");

export const ZSetupAdmin = z.object({ name, email, password: ZNewPassword });
export type TSetupAdmin = z.infer<typeof ZSetupAdmin>;

export const ZSignIn = z.object({ email, password: z.string().min(1, "Enter your password").max(200) });
export type TSignIn = z.infer<typeof ZSignIn>;

export const ZCreateUser = z.object({ name, email, role: ZRole });
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUserId = z.object({ userId: z.string().min(1) });
export const ZChangeRole = ZUserId.extend({ role: ZRole });
export const ZSetActive = ZUserId.extend({ active: z.boolean() });

export const ZChangePassword = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(200),
    newPassword: ZNewPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one",
  });
export type TChangePassword = z.infer<typeof ZChangePassword>;
