// Request and response shapes of the environments endpoints of /api/v1 (SPEC §7, seed 001). The
// request body of PUT/PATCH is lib/environments/extensions.ts's ZExtensionsUpdate (the planner's
// own schema); these describe the answers for the OpenAPI document, and the API tests check real
// answers against them. Pure.
import { z } from "zod";
import { ZPageQuery } from "./schemas";

export const ZEnvironmentSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  overrideCount: z.number().int().describe("Overridden fields, over every authentication configuration"),
  variableCount: z.number().int().describe("Environment variables ({{NAME}} in connectors)"),
  needsValueCount: z.number().int().describe("Secret overrides and variables copied or imported without their value: requests using them are refused until one is entered"),
});

export const ZEnvironmentsPage = z.object({
  items: z.array(ZEnvironmentSummary),
  nextCursor: z.string().nullable().describe("Pass as cursor to get the next page; null on the last page"),
});

export const ZExtensionsQuery = z.strictObject({
  authConfigId: z.string().min(1).max(100).optional().describe("Only this authentication configuration's fields (Filter by configuration)"),
});

const ZDocPair = z.object({
  key: z.string(),
  value: z.string().optional().describe("Absent for an encrypted pair: encrypted values never come back"),
  encrypted: z.boolean(),
});

export const ZExtensionsField = z.object({
  id: z.string().describe('The field as stored in the configuration\'s settings: "username", "tokenParams", "testUrl", "tls.clientKeyPem"'),
  value: z.union([z.string(), z.boolean()]).optional().describe("The override; only when useDefault is false and the field is not encrypted"),
  useDefault: z.boolean().describe("true: the configuration's own value applies (no override)"),
  usesEncryption: z.boolean().describe("A secret: its value is write-only"),
  encryptedValueSet: z.boolean().describe("For a secret: an override (a value or a secretReference) is stored"),
  componentOverride: z.literal(false),
  secretReference: z.string().optional().describe("An encrypted field's external secret: file:<absolute path> or projects/<p>/secrets/<s>/versions/<v>"),
  customProperties: z.object({ properties: z.array(ZDocPair) }).optional().describe("Custom properties fields (name/value lists): the whole overriding list"),
});

export const ZExtensionsDocument = z
  .object({
    environmentId: z.string(),
    connections: z
      .array(
        z.object({
          id: z.string().describe("The authentication configuration's id"),
          name: z.string(),
          fields: z.array(ZExtensionsField).describe("Every extensible field of the configuration"),
        }),
      )
      .describe("One entry per authentication configuration"),
    properties: z
      .array(
        z.object({
          id: z.string().describe("The variable's name (A-Z, 0-9, _)"),
          value: z.string().optional().describe("Absent for a secret variable"),
          usesEncryption: z.boolean(),
          encryptedValueSet: z.boolean().describe("For a secret variable: a value is stored"),
        }),
      )
      .describe("The environment variables"),
  })
  .describe("An environment's extensions: every extensible field of every authentication configuration, and the environment variables");

export { ZPageQuery as ZEnvironmentsQuery };
