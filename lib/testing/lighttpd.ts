// Starts Debian's lighttpd — an independent server implementation — for interop tests: Basic and
// Digest (MD5, SHA-256) over HTTP, and an HTTPS port that demands a client certificate signed by a
// private CA. Certificates are made with the openssl CLI. Never used by the app itself.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const LIGHTTPD = "/usr/sbin/lighttpd";
export const INTEROP_USER = { username: "alice", password: "s3cret pass with spaces" };
/** A second account, the only one let into /staging/ (environments e2e: each environment its own credentials). */
export const STAGING_USER = { username: "bob-staging", password: "canary-staging-basic-pw-7c1e" };
export const P12_PASSPHRASE = "interop-p12";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () => { sock.end(); resolve(true); });
      sock.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`lighttpd did not listen on ${port}`);
}

export type TLighttpd = {
  http: string;
  https: string;
  certs: { ca: string; clientCert: string; clientKey: string; pfx: Buffer };
  stop: () => Promise<void>;
};

export async function startLighttpd(): Promise<TLighttpd> {
  if (!existsSync(LIGHTTPD)) {
    throw new Error("interop tests need Debian's lighttpd: apt-get install -y lighttpd lighttpd-mod-openssl (npm test installs it as root)");
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "patchbay-lighttpd-"));
  const ssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Interop private CA"]);
  writeFileSync(path.join(dir, "ext"), "subjectAltName=IP:127.0.0.1\n");
  ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  ssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext"]);
  ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-key.pem", "-out", "client.csr", "-subj", "/CN=interop-client"]);
  ssl(["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "client.pem", "-days", "2"]);
  ssl(["pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-out", "client.p12", "-passout", `pass:${P12_PASSPHRASE}`]);

  for (const area of ["basic", "digest-md5", "digest-sha256", "staging"]) {
    mkdirSync(path.join(dir, "www", area), { recursive: true });
    writeFileSync(path.join(dir, "www", area, "ok.txt"), `hello from ${area}\n`);
  }
  writeFileSync(path.join(dir, "www", "ok.txt"), "hello over mutual TLS\n");
  writeFileSync(path.join(dir, "users"), `${INTEROP_USER.username}:${INTEROP_USER.password}\n${STAGING_USER.username}:${STAGING_USER.password}\n`);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  writeFileSync(
    path.join(dir, "lighttpd.conf"),
    `server.document-root = "${dir}/www"
server.bind = "127.0.0.1"
server.port = ${httpPort}
server.modules = ("mod_auth", "mod_authn_file", "mod_openssl")
server.errorlog = "${dir}/error.log"
auth.backend = "plain"
auth.backend.plain.userfile = "${dir}/users"
auth.require = (
  "/basic/" => ("method" => "basic", "realm" => "interop", "require" => "valid-user"),
  "/staging/" => ("method" => "basic", "realm" => "interop", "require" => "user=${STAGING_USER.username}"),
  "/digest-md5/" => ("method" => "digest", "algorithm" => "MD5", "realm" => "interop", "require" => "valid-user"),
  "/digest-sha256/" => ("method" => "digest", "algorithm" => "SHA-256", "realm" => "interop", "require" => "valid-user"),
)
$SERVER["socket"] == "127.0.0.1:${httpsPort}" {
  ssl.engine = "enable"
  ssl.pemfile = "${dir}/server.pem"
  ssl.privkey = "${dir}/server-key.pem"
  ssl.ca-file = "${dir}/ca.pem"
  ssl.verifyclient.activate = "enable"
  ssl.verifyclient.enforce = "enable"
}
`,
  );
  const child: ChildProcess = spawn(LIGHTTPD, ["-D", "-f", path.join(dir, "lighttpd.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  try {
    const deadline = Date.now() + 10_000;
    await waitForPort(httpPort, deadline);
    await waitForPort(httpsPort, deadline);
  } catch (e) {
    child.kill();
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  return {
    http: `http://127.0.0.1:${httpPort}`,
    https: `https://127.0.0.1:${httpsPort}`,
    certs: { ca: read("ca.pem"), clientCert: read("client.pem"), clientKey: read("client-key.pem"), pfx: readFileSync(path.join(dir, "client.p12")) },
    stop: async () => {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
