// The form holds the fields of every sub-protocol at once, so switching back and forth keeps what
// was typed; the discriminated union keeps only the chosen sub-protocol's fields when it parses.
import type { z } from "zod";
import type {
  TProtocol,
  TSubProtocol,
  ZApiKey,
  ZAwsSigV4,
  ZBasic,
  ZDigest,
  ZNone,
  ZOAuthAuthCode,
  ZOAuthClientCredentials,
  ZOAuthPassword,
  ZOAuthServiceAccount,
} from "@/lib/auth-configs/schema";

type TFields<S extends z.ZodType> = Omit<z.input<S>, "protocol" | "subProtocol">;

export type TAuthConfigFormValues = TFields<typeof ZApiKey> &
  TFields<typeof ZBasic> &
  TFields<typeof ZDigest> &
  TFields<typeof ZNone> &
  TFields<typeof ZAwsSigV4> &
  TFields<typeof ZOAuthAuthCode> &
  TFields<typeof ZOAuthClientCredentials> &
  TFields<typeof ZOAuthPassword> &
  TFields<typeof ZOAuthServiceAccount> & { protocol: TProtocol; subProtocol: TSubProtocol };

export const DEFAULT_FORM_VALUES: TAuthConfigFormValues = {
  name: "",
  clearSecrets: [],
  protocol: "HTTP",
  subProtocol: "API_KEY",
  testUrl: "",
  headerName: "Authorization",
  prefix: "Bearer",
  apiKey: "",
  placement: "HEADER",
  queryParamName: "",
  username: "",
  password: "",
  preemptive: true,
  accessKeyId: "",
  secretAccessKey: "",
  sessionToken: "",
  service: "execute-api",
  region: "us-east-1",
  authorizationUrl: "",
  tokenUrl: "",
  refreshUrl: "",
  clientId: "",
  clientSecret: "",
  clientAuth: "BASIC",
  scope: "",
  audience: "",
  authParams: [],
  tokenParams: [],
  pkce: true,
  sharedCredentials: true,
  clientEmail: "",
  privateKeyId: "",
  keyTokenUri: "",
  privateKey: "",
  subject: "",
  tls: { clientCertMode: "NONE", clientCertPem: "", clientKeyPem: "", pkcs12: "", pkcs12Passphrase: "", caBundlePem: "" },
};
