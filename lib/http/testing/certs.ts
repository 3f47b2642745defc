// Test-only: certificates made with the openssl CLI in a temp dir (EC keys: fast to generate).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type TTestCerts = {
  /** CA that signs `server` and `client`. */
  caCert: string;
  /** Signed by the CA, valid for DNS:localhost only (not for 127.0.0.1). */
  serverCert: string;
  serverKey: string;
  /** Self-signed, valid for localhost and 127.0.0.1; is its own trust anchor. */
  selfCert: string;
  selfKey: string;
  /** Client certificate signed by the CA, as PEM and as PKCS#12 protected by `pfxPassphrase`. */
  clientCert: string;
  clientKey: string;
  clientPfx: Buffer;
  pfxPassphrase: string;
};

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function makeTestCerts(): TTestCerts {
  const dir = mkdtempSync(path.join(tmpdir(), "patchbay-certs-"));
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    ssl("req", "-x509", ...EC, "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=Patchbay Test CA");
    const leaf = (name: string, cn: string, ext: string) => {
      writeFileSync(f(`${name}.ext`), ext);
      ssl("req", ...EC, "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/CN=${cn}`);
      ssl("x509", "-req", "-in", f(`${name}.csr`), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial",
        "-out", f(`${name}.crt`), "-days", "2", "-extfile", f(`${name}.ext`));
    };
    leaf("server", "localhost", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n");
    leaf("client", "patchbay-client", "extendedKeyUsage=clientAuth\n");
    ssl("req", "-x509", ...EC, "-keyout", f("self.key"), "-out", f("self.crt"), "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    const pfxPassphrase = "p12-secret";
    ssl("pkcs12", "-export", "-in", f("client.crt"), "-inkey", f("client.key"), "-out", f("client.p12"), "-passout", `pass:${pfxPassphrase}`);
    const read = (name: string) => readFileSync(f(name), "utf8");
    return {
      caCert: read("ca.crt"),
      serverCert: read("server.crt"),
      serverKey: read("server.key"),
      selfCert: read("self.crt"),
      selfKey: read("self.key"),
      clientCert: read("client.crt"),
      clientKey: read("client.key"),
      clientPfx: readFileSync(f("client.p12")),
      pfxPassphrase,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
