/**
 * Compares prisma/schema.prisma with a live database's `public` schema and lists every
 * difference a person must fix: missing or extra tables and columns, types, nullability,
 * database defaults, primary keys, unique and plain indexes, foreign keys and enums.
 *
 * It stands in for `prisma migrate diff`, whose native engine cannot be downloaded here, and
 * backs `npx flowlens migrate --check` and the test that migrations and schema agree.
 * Tables in other schemas (the log store's `logstore`) are not Prisma's and are not compared.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

export const SCHEMA_FILE = path.resolve(import.meta.dirname, "../../prisma/schema.prisma");

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: DmmfIndex[];
  };
}

function readDmmf(schemaText: string): Dmmf {
  const require = createRequire(import.meta.url);
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
  try {
    return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] }))) as Dmmf;
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    let message = raw;
    try {
      message = (JSON.parse(raw) as { message: string }).message;
    } catch {
      // not Prisma's JSON error
    }
    throw new Error(`prisma/schema.prisma is not valid:\n${message.replace(/\u001b\[[0-9;]*m/g, "")}`);
  }
}

const DEFAULT_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

function nativeTypeSql([name, args]: [string, string[]]): string {
  const withArgs = (sql: string) => (args.length > 0 ? `${sql}(${args.join(",")})` : sql);
  switch (name) {
    case "Uuid": return "uuid";
    case "Text": return "text";
    case "VarChar": return withArgs("character varying");
    case "Char": return withArgs("character");
    case "Inet": return "inet";
    case "Cidr": return "cidr";
    case "Integer": return "integer";
    case "SmallInt": return "smallint";
    case "BigInt": return "bigint";
    case "Real": return "real";
    case "DoublePrecision": return "double precision";
    case "Decimal": return withArgs("numeric");
    case "Boolean": return "boolean";
    case "Date": return "date";
    case "Time": return `time(${args[0] ?? 6}) without time zone`;
    case "Timestamp": return `timestamp(${args[0] ?? 6}) without time zone`;
    case "Timestamptz": return `timestamp(${args[0] ?? 6}) with time zone`;
    case "JsonB": return "jsonb";
    case "Json": return "json";
    case "ByteA": return "bytea";
    default: return name.toLowerCase();
  }
}

/** Defaults Prisma writes into the database (others, such as uuid() or cuid(), live in the client). */
function hasDatabaseDefault(field: DmmfField): boolean {
  if (!field.hasDefaultValue) return false;
  const value = field.default;
  if (value && typeof value === "object" && "name" in value) {
    return ["autoincrement", "now", "dbgenerated", "sequence"].includes(String((value as { name: string }).name));
  }
  return true; // literal values and enum values
}

interface Expected {
  columns: Map<string, { type: string; nullable: boolean; hasDefault: boolean }>;
  primaryKey: string[];
  indexes: Set<string>;
  foreignKeys: Set<string>;
}

function expectedTables(dmmf: Dmmf): { tables: Map<string, Expected>; enums: Map<string, string[]> } {
  const tables = new Map<string, Expected>();
  const enums = new Map(
    dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]),
  );
  const enumDbName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const modelsByName = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  for (const model of dmmf.datamodel.models) {
    const expected: Expected = { columns: new Map(), primaryKey: [], indexes: new Set(), foreignKeys: new Set() };
    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.relationFromFields && field.relationFromFields.length > 0) {
          const target = modelsByName.get(field.type);
          if (!target) continue;
          const from = field.relationFromFields.map((f) => columnOf(model, f));
          const to = (field.relationToFields ?? []).map((f) => columnOf(target, f));
          const optional = field.relationFromFields.some(
            (f) => !model.fields.find((x) => x.name === f)?.isRequired,
          );
          const onDelete = (field.relationOnDelete ?? (optional ? "SetNull" : "Restrict")).toUpperCase();
          expected.foreignKeys.add(`(${from.join(", ")}) → ${tableOf(target)}(${to.join(", ")}) on delete ${normaliseAction(onDelete)}`);
        }
        continue;
      }
      let type =
        field.kind === "enum"
          ? (enumDbName.get(field.type) ?? field.type)
          : field.nativeType
            ? nativeTypeSql(field.nativeType)
            : (DEFAULT_TYPES[field.type] ?? field.type.toLowerCase());
      if (field.isList) type += "[]";
      expected.columns.set(field.dbName ?? field.name, {
        type,
        // Prisma creates scalar lists as nullable arrays, whatever the field says.
        nullable: field.isList || !field.isRequired,
        hasDefault: hasDatabaseDefault(field),
      });
      if (field.isId) expected.primaryKey = [field.dbName ?? field.name];
      if (field.isUnique) expected.indexes.add(`unique (${field.dbName ?? field.name})`);
    }
    if (model.primaryKey) expected.primaryKey = model.primaryKey.fields.map((f) => columnOf(model, f));
    for (const index of dmmf.datamodel.indexes.filter((i) => i.model === model.name)) {
      if (index.type === "id") continue;
      const columns = index.fields.map((f) => columnOf(model, f.name));
      expected.indexes.add(`${index.type === "unique" ? "unique" : "index"} (${columns.join(", ")})`);
    }
    tables.set(tableOf(model), expected);
  }
  return { tables, enums };
}

function normaliseAction(action: string): string {
  const a = action.replace(/[\s_]/g, "").toUpperCase();
  return (
    { CASCADE: "cascade", RESTRICT: "restrict", NOACTION: "no action", SETNULL: "set null", SETDEFAULT: "set default" }[a] ??
    a.toLowerCase()
  );
}

async function actualTables(client: pg.Client) {
  const columns = await client.query<{ table: string; column: string; type: string; nullable: boolean; has_default: boolean }>(`
    SELECT c.relname AS table, a.attname AS column,
           CASE WHEN t.typtype = 'e' THEN t.typname
                WHEN t.typcategory = 'A' AND et.typtype = 'e' THEN et.typname || '[]'
                ELSE format_type(a.atttypid, a.atttypmod) END AS type,
           NOT a.attnotnull AS nullable, a.atthasdef AS has_default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type et ON et.oid = t.typelem
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname <> '_prisma_migrations' AND NOT c.relispartition
    ORDER BY c.relname, a.attnum`);
  const indexes = await client.query<{ table: string; unique: boolean; primary: boolean; columns: string[] }>(`
    SELECT t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
           array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
    FROM pg_index ix
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations' AND NOT t.relispartition`);
  const foreignKeys = await client.query<{ table: string; columns: string[]; target: string; target_columns: string[]; on_delete: string }>(`
    SELECT t.relname AS table, rt.relname AS target,
           array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
           array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS target_columns,
           CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                              WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_delete
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_class rt ON rt.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE c.contype = 'f' AND n.nspname = 'public' AND NOT t.relispartition`);
  const enums = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);

  const tables = new Map<string, Expected>();
  const table = (name: string) => {
    let entry = tables.get(name);
    if (!entry) {
      entry = { columns: new Map(), primaryKey: [], indexes: new Set(), foreignKeys: new Set() };
      tables.set(name, entry);
    }
    return entry;
  };
  for (const row of columns.rows) {
    table(row.table).columns.set(row.column, { type: row.type, nullable: row.nullable, hasDefault: row.has_default });
  }
  for (const row of indexes.rows) {
    if (row.primary) table(row.table).primaryKey = row.columns;
    else table(row.table).indexes.add(`${row.unique ? "unique" : "index"} (${row.columns.join(", ")})`);
  }
  for (const row of foreignKeys.rows) {
    table(row.table).foreignKeys.add(
      `(${row.columns.join(", ")}) → ${row.target}(${row.target_columns.join(", ")}) on delete ${row.on_delete}`,
    );
  }
  return { tables, enums: new Map(enums.rows.map((row) => [row.name, row.values])) };
}

/** Every way the database at `connectionString` differs from `schemaText`; empty when they agree. */
export async function findSchemaDrift(options: { connectionString: string; schemaText?: string }): Promise<string[]> {
  const schemaText = options.schemaText ?? fs.readFileSync(SCHEMA_FILE, "utf8");
  const expected = expectedTables(readDmmf(schemaText));
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  let actual: Awaited<ReturnType<typeof actualTables>>;
  try {
    actual = await actualTables(client);
  } finally {
    await client.end();
  }

  const problems: string[] = [];
  for (const [name, values] of expected.enums) {
    const found = actual.enums.get(name);
    if (!found) problems.push(`enum ${name}: missing in the database`);
    else if (found.join(",") !== values.join(","))
      problems.push(`enum ${name}: schema has (${values.join(", ")}), database has (${found.join(", ")})`);
  }
  for (const name of actual.enums.keys()) {
    if (!expected.enums.has(name)) problems.push(`enum ${name}: in the database but not in schema.prisma`);
  }
  for (const [name, want] of expected.tables) {
    const have = actual.tables.get(name);
    if (!have) {
      problems.push(`table ${name}: missing in the database`);
      continue;
    }
    for (const [column, spec] of want.columns) {
      const found = have.columns.get(column);
      if (!found) {
        problems.push(`${name}.${column}: missing in the database`);
        continue;
      }
      if (found.type !== spec.type) problems.push(`${name}.${column}: schema type ${spec.type}, database type ${found.type}`);
      if (found.nullable !== spec.nullable)
        problems.push(`${name}.${column}: schema says ${spec.nullable ? "nullable" : "NOT NULL"}, database says ${found.nullable ? "nullable" : "NOT NULL"}`);
      if (found.hasDefault !== spec.hasDefault)
        problems.push(`${name}.${column}: schema ${spec.hasDefault ? "has" : "has no"} database default, database ${found.hasDefault ? "has" : "has none"}`);
    }
    for (const column of have.columns.keys()) {
      if (!want.columns.has(column)) problems.push(`${name}.${column}: in the database but not in schema.prisma`);
    }
    if (want.primaryKey.join(",") !== have.primaryKey.join(","))
      problems.push(`table ${name}: primary key (${want.primaryKey.join(", ")}) in schema, (${have.primaryKey.join(", ")}) in database`);
    for (const index of want.indexes) if (!have.indexes.has(index)) problems.push(`table ${name}: ${index} missing in the database`);
    for (const index of have.indexes) if (!want.indexes.has(index)) problems.push(`table ${name}: ${index} in the database but not in schema.prisma`);
    for (const fk of want.foreignKeys) if (!have.foreignKeys.has(fk)) problems.push(`table ${name}: foreign key ${fk} missing in the database`);
    for (const fk of have.foreignKeys) if (!want.foreignKeys.has(fk)) problems.push(`table ${name}: foreign key ${fk} in the database but not in schema.prisma`);
  }
  for (const name of actual.tables.keys()) {
    if (!expected.tables.has(name)) problems.push(`table ${name}: in the database but not in schema.prisma`);
  }
  return problems;
}
