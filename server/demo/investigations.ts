/**
 * The demo's example investigations: one per incident of the generated organisation, each with
 * panels whose LogQL is built from the flow log's own format (server/flows' pattern), so they
 * open the same evidence the rejected and egress views show.
 */
import type { Database } from "../db/client";
import { flowFormatOf, flowPatternStage } from "../flows";
import type { Incident } from "../generate/incidents";
import type { Organisation } from "../generate/organisation";
import type { TrafficModel } from "../generate/traffic";
import { type PanelInput, createInvestigation } from "../investigations/service";
import type { QueryGate } from "../loki/gate";
import { MINUTE } from "../generate/time";

export interface DemoInvestigation {
  title: string;
  notes: string;
  tags: string[];
  panels: PanelInput[];
}

const at = (seconds: number) => new Date(seconds * 1000);

function selectorOf(org: Organisation, vpcKey: string): { selector: string; pattern: (capture: string[]) => string } {
  const vpc = org.vpcByKey.get(vpcKey);
  if (!vpc) throw new Error(`the demo organisation has no VPC ${vpcKey}`);
  const format = flowFormatOf(vpc.flowLog.fields);
  return {
    selector: `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="${vpc.flowLog.id}"}`,
    pattern: (capture) => flowPatternStage(format, { capture }),
  };
}

/** The investigations for the incidents that lie in [from, to). */
export function demoInvestigations(model: TrafficModel, from: number, to: number): DemoInvestigation[] {
  const org = model.org;
  if (!org.vpcByKey.has("prod-core")) return [];
  const prod = selectorOf(org, "prod-core");
  const within = (incident: Incident) => incident.start >= from && incident.end <= to;
  const around = (incident: Incident, before: number, after: number) => ({ from: at(incident.start - before), to: at(incident.end + after) });
  const out: DemoInvestigation[] = [];

  const blocked = model.incidents.blockedDependency;
  if (within(blocked)) {
    out.push({
      title: "payments-api times out calling ledger:5432",
      notes: [
        "Checkout errors spiked: payments-api could not open connections to the ledger PostgreSQL hosts.",
        "",
        "The ledger interfaces logged every attempt from the payments-api pods as **REJECT** on port 5432 for an hour: a security-group change on `ledger-sg` dropped the rule allowing `payments-api-pods`.",
        "Rolled back the security-group change; the rejects stop at the end of the window.",
      ].join("\n"),
      tags: ["incident", "payments", "security-group"],
      panels: [
        {
          title: "Rejected connections to :5432 per source",
          query: `sum by (srcaddr) (count_over_time(${prod.selector} |= "REJECT" ${prod.pattern(["srcaddr", "dstport", "action"])} | action="REJECT" | dstport="5432" [1m] offset 1ns))`,
          ...around(blocked, 30 * MINUTE, 30 * MINUTE),
        },
        {
          title: "The rejected flow records",
          query: `${prod.selector} |= "REJECT" ${prod.pattern(["dstport", "action"])} | action="REJECT" | dstport="5432"`,
          ...around(blocked, 0, 0),
        },
      ],
    });
  }

  const spike = model.incidents.egressSpike;
  if (within(spike)) {
    out.push({
      title: "reporting uploaded ~12 GB to 5.188.10.77 at night",
      notes: [
        "The NAT gateway's bytes jumped at night. The flows go from the `reporting` pods to 5.188.10.77:443, an address no known network covers.",
        "",
        "Open questions: which job ran, and was the destination expected? The reporting team is checking its export jobs.",
      ].join("\n"),
      tags: ["incident", "egress", "data"],
      panels: [
        {
          title: "Bytes out to 5.188.10.77 through the NAT gateway",
          query: `sum by (dstaddr) (sum_over_time(${prod.selector} |= "5.188.10.77" ${prod.pattern(["dstaddr", "bytes", "flow_direction", "traffic_path"])} | dstaddr="5.188.10.77" | flow_direction="egress" | traffic_path="2" | unwrap bytes [5m] offset 1ns))`,
          ...around(spike, 60 * MINUTE, 60 * MINUTE),
        },
        {
          title: "The upload's flow records",
          query: `${prod.selector} |= "5.188.10.77"`,
          ...around(spike, 0, 0),
        },
      ],
    });
  }

  const scan = model.incidents.portScan;
  if (within(scan)) {
    out.push({
      title: `Port scan from ${scan.details.source}`,
      notes: [
        `${scan.details.source} probed hundreds of ports on the public load balancer and the bastion. Every probe was rejected by the security groups; nothing answered.`,
        "",
        "No action needed beyond the WAF rule; kept as a reference for the next scan.",
      ].join("\n"),
      tags: ["security", "scan"],
      panels: [
        {
          title: "Rejected probes per destination port",
          query: `topk(20, sum by (dstport) (count_over_time(${prod.selector} |= "${scan.details.source}" ${prod.pattern(["srcaddr", "dstport", "action"])} | srcaddr="${scan.details.source}" | action="REJECT" [25m] offset 1ns)))`,
          ...around(scan, 0, 0),
        },
      ],
    });
  }
  return out;
}

/** Creates the demo's investigations (through the investigations service, snapshots included). */
export async function seedDemoInvestigations(
  deps: { db: Database; gate: QueryGate },
  model: TrafficModel,
  range: { from: number; to: number },
): Promise<number> {
  let created = 0;
  for (const investigation of demoInvestigations(model, range.from, range.to)) {
    const existing = await deps.db.investigation.findFirst({ where: { title: investigation.title } });
    if (existing) continue;
    await createInvestigation({ db: deps.db, gate: deps.gate, actor: "demo" }, investigation);
    created++;
  }
  return created;
}
