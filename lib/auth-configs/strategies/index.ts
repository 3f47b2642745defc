// Authentication strategies, one per sub-protocol (SPEC §3). Server-side only: digest and SigV4
// load node:crypto and the AWS signer. Client components needing the AWS dropdown lists import
// ./aws-catalog, which has no dependencies.
export { apiKeyStrategy, type TApiKeySettings } from "./api-key";
export { basicStrategy, type TBasicSettings } from "./basic";
export { digestStrategy, type TDigestSettings } from "./digest";
export { awsSigV4Strategy, type TAwsSigV4Settings } from "./aws-sigv4";
export { AWS_REGIONS, AWS_SERVICES, type TAwsOption } from "./aws-catalog";
export { noneStrategy } from "./none";
export { challengesFromHeaders, parseWwwAuthenticate, type TChallenge } from "./www-authenticate";
