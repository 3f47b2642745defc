// A private CA, a server certificate for 127.0.0.1 and a client certificate (PEM and PKCS#12),
// made with the openssl CLI for the e2e run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const P12_PASSPHRASE = "e2e-p12-passphrase";

function openssl(dir: string, args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

export function makeCerts(dir: string) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, "client.p12"))) {
    openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Patchbay e2e private CA"]);
    writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
    openssl(dir, ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"]);
    openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-key.pem", "-out", "client.csr", "-subj", "/CN=patchbay-e2e-client"]);
    openssl(dir, ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "client.pem", "-days", "2"]);
    openssl(dir, ["pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-out", "client.p12", "-passout", `pass:${P12_PASSPHRASE}`]);
  }
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  return { dir, ca: read("ca.pem"), serverCert: read("server.pem"), serverKey: read("server-key.pem"), clientCert: read("client.pem"), clientKey: read("client-key.pem"), p12Path: path.join(dir, "client.p12") };
}
