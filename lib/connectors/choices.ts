// The wizard's fixed choices, apart from the schema so that a form can show them without loading zod.
export const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
export const BODY_TYPES = [
  { value: "NONE", label: "None" },
  { value: "JSON", label: "JSON" },
  { value: "FORM", label: "Form" },
] as const;
