/**
 * `npx flowlens enrich`: flow log lines on stdin, JSON Lines of enriched flows on stdout (both
 * ends named from the inventory at each flow's time). Header lines switch the format, as in a
 * file delivered to S3; lines that are not records are reported on stderr with their number.
 */
import readline from "node:readline";
import type { Command } from "commander";
import { enrichFlow, enrichedFlowJson } from "../../server/enrichment/enrich";
import { getEnrichmentLookup } from "../../server/enrichment/loader";
import { AppError } from "../../server/errors";
import { DEFAULT_FLOW_FORMAT, type FlowFormat, explainFlowRecordProblem, flowFormatFromHeader, parseFlowFormat, parseFlowRecord } from "../../server/flows";
import { loadFlowFormatRegistry } from "../../server/inventory/flow-log-formats";
import { formatCount } from "../progress";
import { parseTimeOption, withDatabase } from "./inventory";

interface EnrichOptions {
  format?: string;
  flowLog?: string;
  at?: Date;
}

export function registerEnrich(program: Command): void {
  program
    .command("enrich")
    .description("read flow log lines on stdin and write JSON Lines of enriched flows (service, team, account, VPC, subnet, AZ of both ends)")
    .option("--format <fields>", 'the record format, e.g. "${version} ${vpc-id} …" (default: the flow log\'s registered format, else AWS\'s default format; header lines switch it)')
    .option("--flow-log <id>", "read lines in the registered format of this flow log (fl-…)")
    .option("--at <time>", "resolve every address as of this time (now, Unix seconds or ISO 8601) instead of each record's start", parseTimeOption)
    .action(async (options: EnrichOptions) => {
      await withDatabase(async (db) => {
        let format: FlowFormat = DEFAULT_FLOW_FORMAT;
        if (options.format) format = parseFlowFormat(options.format);
        else if (options.flowLog) {
          const registry = await loadFlowFormatRegistry(db);
          if (!registry.get(options.flowLog)) {
            throw new AppError("BAD_REQUEST", `No format is registered for ${options.flowLog}: give --format, or import its describe-flow-logs output.`);
          }
          format = registry.formatOf(options.flowLog);
        }
        const lookup = await getEnrichmentLookup(db);
        const at = options.at ? options.at.getTime() / 1000 : undefined;
        const now = Date.now() / 1000;
        let lineNumber = 0;
        let enriched = 0;
        let skipped = 0;
        let unknownEnds = 0;
        let buffer = "";
        const flush = async () => {
          if (buffer === "") return;
          const chunk = buffer;
          buffer = "";
          if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once("drain", resolve));
        };
        const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
        for await (const line of input) {
          lineNumber++;
          if (line.trim() === "") continue;
          const header = flowFormatFromHeader(line);
          if (header) {
            format = header;
            continue;
          }
          const record = parseFlowRecord(line, format);
          if (!record) {
            skipped++;
            process.stderr.write(`line ${lineNumber}: not a flow record: ${explainFlowRecordProblem(line, format) ?? "unreadable"}\n`);
            continue;
          }
          const flow = enrichFlow(record, lookup, { at, fallbackTime: now });
          for (const end of [flow.src, flow.dst]) if (end && (end.kind === "private" || end.kind === "invalid" || (end.kind === "interface" && end.service === null))) unknownEnds++;
          buffer += `${JSON.stringify(enrichedFlowJson(flow))}\n`;
          enriched++;
          if (buffer.length > 65_536) await flush();
        }
        await flush();
        process.stderr.write(
          `flowlens enrich: ${formatCount(enriched)} flows enriched (inventory version ${lookup.version}, ${formatCount(lookup.stats.interfaces)} interfaces), ` +
            `${formatCount(skipped)} lines skipped, ${formatCount(unknownEnds)} ends without a known owner\n`,
        );
        if (enriched === 0 && skipped > 0) process.exitCode = 1;
      });
    });
}
