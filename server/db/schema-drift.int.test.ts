import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { findSchemaDrift } from "./schema-drift";

describe("prisma/schema.prisma and the migrated database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  async function sql(text: string) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  it("agree: the migrations build exactly the schema", async () => {
    expect(await findSchemaDrift({ connectionString: database.url })).toEqual([]);
  });

  it("disagree when the database has a column the schema does not", async () => {
    await sql(`ALTER TABLE users ADD COLUMN nickname text`);
    expect(await findSchemaDrift({ connectionString: database.url })).toEqual([
      "users.nickname: in the database but not in schema.prisma",
    ]);
    await sql(`ALTER TABLE users DROP COLUMN nickname`);
  });

  it("disagree on types, nullability, defaults and indexes", async () => {
    const schemaText = `
      datasource db {
        provider = "postgresql"
      }
      model User {
        id        String   @id @default(uuid()) @db.Uuid
        name      String?  @db.VarChar(100)
        createdAt DateTime @map("created_at") @db.Timestamptz(3)
        lastSeen  DateTime @default(now()) @map("last_seen") @db.Timestamptz(3)
        @@index([lastSeen])
        @@map("users")
      }
      model Team {
        id Int @id
      }`;
    // Only the users table and Team are described here; every other table shows up as extra.
    const problems = await findSchemaDrift({ connectionString: database.url, schemaText });
    expect(problems.filter((p) => /users|Team/.test(p)).sort()).toEqual(
      [
        "table Team: missing in the database",
        "table users: index (last_seen) missing in the database",
        "table users: unique (name) in the database but not in schema.prisma",
        "users.created_at: schema has no database default, database has",
        "users.name: schema says nullable, database says NOT NULL",
        "users.name: schema type character varying(100), database type text",
      ].sort(),
    );
  });
});
