// Credentials the e2e upstream accepts. The values double as canaries: they must never appear in
// anything the app sends to a browser.
export const UPSTREAM = {
  apiKey: "canary-apikey-7f3e9c1d",
  basic: { username: "e2e-basic-user", password: "canary-basic-pw-51a2" },
  digest: { username: "e2e-digest-user", password: "canary-digest-pw-9b8c" },
  /** OAuth2 Password grant at /oauth/token (the service account's key is made at start, see server.ts). */
  oauthPassword: { clientId: "e2e-password-client", clientSecret: "canary-pw-client-secret-2c71", username: "e2e-oauth-user", password: "canary-oauth-password-88d0" },
  aws: { accessKeyId: "AKIDE2EEXAMPLE", secretAccessKey: "canary-aws-secret-0d4f6a", region: "xx-e2e-1", service: "execute-api" },
};
