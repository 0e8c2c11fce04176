/**
 * server/flows: AWS VPC flow log records as data. Pure code, no I/O: the fields of record
 * versions 2 to 8 (fields.ts), formats and header lines (format.ts), the per-flow-log format
 * registry (registry.ts), parsing and writing records (record.ts), the LogQL `pattern` for a format
 * (pattern.ts), and decoding values for people (decode.ts).
 *
 * Anything may import it: the enrichment, the query builders, the generator, ingest, the CLI, and
 * the browser (it has no server-only dependencies).
 */
export * from "./decode";
export * from "./fields";
export * from "./format";
export * from "./pattern";
export * from "./record";
export * from "./registry";
