// The subscription form's values: empty ones for "Create", the stored ones for "Edit" (secrets
// never: the signature key and the verification secret are write-only, only "set" is known).
import { DEFAULT_PAGE_LIMIT, type TResource, type TSubscriptionFormValues } from "@/lib/events/schema";
import type { TSubscriptionDetail } from "@/lib/events/store";

export const EMPTY_RESOURCE: TResource = {
  name: "",
  url: "",
  idField: "",
  itemsPath: "",
  updatedDateField: "",
  updatedDateFormat: "",
  updatedDateTimeZone: "",
  createdDateField: "",
  createdDateFormat: "",
  createdDateTimeZone: "",
};

export const NEW_SUBSCRIPTION: TSubscriptionFormValues = {
  name: "",
  serviceId: "",
  environmentId: "",
  type: "POLLING",
  callbackUrl: "",
  signingKey: "",
  removeSigningKey: false,
  refreshMinutes: 15,
  emitExisting: false,
  pageLimit: DEFAULT_PAGE_LIMIT,
  resources: [{ ...EMPTY_RESOURCE }],
  verifyMode: "NONE",
  verifyHeader: "",
  verifySecret: "",
};

export function formValuesOf(s: TSubscriptionDetail): TSubscriptionFormValues {
  return {
    name: s.name,
    serviceId: s.serviceId,
    environmentId: s.environmentId ?? "",
    type: s.type,
    callbackUrl: s.callbackUrl,
    signingKey: "",
    removeSigningKey: false,
    refreshMinutes: s.refreshMinutes ?? NEW_SUBSCRIPTION.refreshMinutes,
    emitExisting: s.emitExisting,
    pageLimit: s.pageLimit,
    resources: s.resources.length ? s.resources.map((r) => ({ ...EMPTY_RESOURCE, ...r })) : [{ ...EMPTY_RESOURCE }],
    verifyMode: s.verifyMode,
    verifyHeader: s.verifyHeader,
    verifySecret: "",
  };
}
