/**
 * Which format each flow log writes, by flow log id (`fl-…`, the `__aws_s3_vpc_flow` label).
 * Formats come from the header line at the top of every delivered file (lambda-promtail pushes it
 * to Loki like any other line) or are configured; flow logs nobody told us about use the default.
 */
import { DEFAULT_FLOW_FORMAT, type FlowFormat, flowFormatFromHeader, sameFlowFormat } from "./format";

export type FlowFormatSource = "header" | "configured" | "default";

export interface RegisteredFlowFormat {
  flowLogId: string;
  format: FlowFormat;
  source: FlowFormatSource;
}

export class FlowFormatRegistry {
  private readonly formats = new Map<string, RegisteredFlowFormat>();

  constructor(
    entries: readonly RegisteredFlowFormat[] = [],
    /** The format of flow logs not registered. */
    readonly fallback: FlowFormat = DEFAULT_FLOW_FORMAT,
  ) {
    for (const entry of entries) this.formats.set(entry.flowLogId, entry);
  }

  /** The format of `flowLogId`'s records: registered, else the fallback (the default format). */
  formatOf(flowLogId: string | undefined): FlowFormat {
    return (flowLogId === undefined ? undefined : this.formats.get(flowLogId)?.format) ?? this.fallback;
  }

  get(flowLogId: string): RegisteredFlowFormat | undefined {
    return this.formats.get(flowLogId);
  }

  /**
   * Registers a format; returns whether it changed. A header line read from the flow log's own
   * files replaces a configured format (AWS cannot change a flow log's format, so the files are
   * the evidence).
   */
  set(flowLogId: string, format: FlowFormat, source: Exclude<FlowFormatSource, "default">): boolean {
    const existing = this.formats.get(flowLogId);
    if (existing && sameFlowFormat(existing.format, format) && existing.source === source) return false;
    this.formats.set(flowLogId, { flowLogId, format, source });
    return true;
  }

  /**
   * Looks at a line of `flowLogId`'s log: a header line registers its format (returns it);
   * any other line returns undefined.
   */
  observeLine(flowLogId: string, line: string): FlowFormat | undefined {
    const format = flowFormatFromHeader(line);
    if (format) this.set(flowLogId, format, "header");
    return format;
  }

  entries(): RegisteredFlowFormat[] {
    return [...this.formats.values()].sort((a, b) => a.flowLogId.localeCompare(b.flowLogId));
  }

  /** Flow log ids grouped by format (one LogQL pattern per group), the fallback's group keyed by its header. */
  groupsByFormat(): Map<string, { format: FlowFormat; flowLogIds: string[] }> {
    const groups = new Map<string, { format: FlowFormat; flowLogIds: string[] }>();
    for (const entry of this.entries()) {
      const group = groups.get(entry.format.header) ?? { format: entry.format, flowLogIds: [] };
      group.flowLogIds.push(entry.flowLogId);
      groups.set(entry.format.header, group);
    }
    return groups;
  }
}

/**
 * The flow log id in an S3 key as AWS writes it:
 * `AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/<account>_vpcflowlogs_<region>_<fl-id>_<time>_<hash>.log.gz`.
 */
export function flowLogIdFromS3Key(key: string): string | undefined {
  const match = /_vpcflowlogs_[a-z0-9-]+_(fl-[0-9a-f]+)_\d{8}T\d{4}Z_[0-9a-f]+\.log(?:\.gz)?$/.exec(key);
  return match?.[1];
}
