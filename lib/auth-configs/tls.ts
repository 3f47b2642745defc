// TLS material of a configuration (client certificate, trusted CA) as the request path takes it.
import type { TTlsOptions } from "@/lib/http/types";
import type { TAuthConfigInput } from "./schema";

/** TLS material applied to every connection the configuration makes, token requests included. */
export function tlsFor(config: TAuthConfigInput): TTlsOptions | undefined {
  const t = config.tls;
  const tls: TTlsOptions = {};
  if (t.caBundlePem.trim()) tls.ca = t.caBundlePem;
  if (t.clientCertMode === "PEM") {
    tls.cert = t.clientCertPem;
    tls.key = t.clientKeyPem;
  } else if (t.clientCertMode === "PKCS12") {
    tls.pfx = Buffer.from(t.pkcs12, "base64");
    if (t.pkcs12Passphrase) tls.passphrase = t.pkcs12Passphrase;
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}
