/**
 * The flow log format registry in PostgreSQL: which fields each flow log (`fl-…`) writes, from
 * `aws ec2 describe-flow-logs` (configured), from header lines (discovered), or set by ingest.
 * Flow logs not listed are read in the default format.
 */
import type { Database } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { type FlowFormatSource, FlowFormatRegistry, parseFlowFormat } from "../flows";

type Client = Database | Prisma.TransactionClient;

/** The registry of every stored flow log format. */
export async function loadFlowFormatRegistry(db: Client): Promise<FlowFormatRegistry> {
  const rows = await db.flowLogFormat.findMany();
  return new FlowFormatRegistry(
    rows.map((row) => ({ flowLogId: row.flowLogId, format: parseFlowFormat(row.format), source: row.source === "header" ? "header" : "configured" })),
  );
}

/** Stores (or replaces) a flow log's format; `format` in any notation parseFlowFormat reads. */
export async function saveFlowLogFormat(db: Client, flowLogId: string, format: string, source: Exclude<FlowFormatSource, "default">): Promise<void> {
  if (!/^fl-[0-9a-f]+$/.test(flowLogId)) {
    throw new AppError("BAD_REQUEST", `"${flowLogId}" is not a flow log id (fl- and hex digits, as the __aws_s3_vpc_flow label shows it).`);
  }
  const header = parseFlowFormat(format).header;
  await db.flowLogFormat.upsert({
    where: { flowLogId },
    create: { flowLogId, format: header, source },
    update: { format: header, source, updatedAt: new Date() },
  });
}
