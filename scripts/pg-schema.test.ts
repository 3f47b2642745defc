// The PostgreSQL schema is derived mechanically (scripts/pg-schema.ts): provider and client output
// swapped, every model as it is; a schema that breaks the derivation's assumptions is refused.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { derivePgSchema, PG_SCHEMA, SQLITE_SCHEMA } from "./pg-schema";

test("the provider and the client output are swapped; the models are untouched", () => {
  const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
  const pg = derivePgSchema(sqlite);
  assert.match(pg, /datasource db \{\s*provider = "postgresql"/);
  assert.match(pg, /output\s*=\s*"\.\.\/\.\.\/generated\/prisma-pg"/);
  const models = (s: string) => s.slice(s.indexOf("\nmodel "));
  assert.equal(models(pg), models(sqlite), "models as they are");
});

test("the committed PostgreSQL schema is the derived one (no drift)", () => {
  assert.equal(readFileSync(PG_SCHEMA, "utf8"), derivePgSchema(readFileSync(SQLITE_SCHEMA, "utf8")), "run npm run db:schema-pg");
});

test("a native type or a schema without the expected datasource is refused with the reason", () => {
  const base = readFileSync(SQLITE_SCHEMA, "utf8");
  assert.throws(() => derivePgSchema(base.replace('provider = "sqlite"', 'provider = "mysql"')), /provider = "sqlite"/);
  assert.throws(() => derivePgSchema(`${base}\nmodel X {\n  id String @id @db.VarChar(10)\n}\n`), /native type/);
});

test("the newest PostgreSQL migration migrates to the current schema (npm run db:migration writes both)", () => {
  const folder = path.join("prisma", "postgres", "migrations");
  const last = readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .at(-1);
  assert.ok(last, "a PostgreSQL migration exists");
  assert.equal(readFileSync(path.join(folder, last, "schema.prisma"), "utf8"), readFileSync(PG_SCHEMA, "utf8"), `${last} is the newest PostgreSQL migration and migrates to ${PG_SCHEMA}`);
  assert.match(readFileSync(path.join(folder, "migration_lock.toml"), "utf8"), /provider = "postgresql"/);
});
