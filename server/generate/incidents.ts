/**
 * The incidents of the generated period: when they happen is a pure function of the period's end
 * (the anchor) and length, so regenerating any window, or extending the period later (the living
 * demo), never moves them. The manifest lists them with their times: tests and the explore views
 * use that ground truth.
 */
import { DAY, HOUR, MINUTE, WINDOW, floorTo, isoTime, weekday } from "./time";

export type IncidentKind = "blocked-dependency" | "egress-spike" | "port-scan" | "s3-endpoint-route-removed";

export interface Incident {
  kind: IncidentKind;
  title: string;
  description: string;
  /** Unix seconds, [start, end). */
  start: number;
  end: number;
  vpc: string;
  details: Record<string, string | number>;
}

export interface IncidentPlan {
  blockedDependency: Incident;
  egressSpike: Incident;
  portScan: Incident;
  s3RouteRemoved: Incident;
  all: Incident[];
}

export const SCAN_SOURCE = "45.155.205.233";
export const EGRESS_SPIKE_BYTES_TARGET = 12 * 1024 ** 3;

/**
 * Places each incident at a realistic time of day inside [anchor − days, anchor); for short
 * periods it falls back to a fixed fraction of the period.
 */
export function planIncidents(anchor: number, days: number): IncidentPlan {
  const start = anchor - Math.round(days * DAY);
  const span = anchor - start;
  const place = (preferred: number, duration: number, fallbackFraction: number): number => {
    if (preferred >= start && preferred + duration <= anchor) return preferred;
    return floorTo(start + span * fallbackFraction, WINDOW);
  };
  const dayStart = (offsetDays: number) => floorTo(anchor - offsetDays * DAY, DAY);

  // A weekday afternoon (Paris time), two or more days before the end when the period allows.
  let blockedPreferred = dayStart(2) + 13 * HOUR + 10 * MINUTE;
  for (let back = 2; back <= 6; back++) {
    const candidate = dayStart(back) + 13 * HOUR + 10 * MINUTE;
    const dow = weekday(candidate);
    if (dow !== 0 && dow !== 6) {
      blockedPreferred = candidate;
      break;
    }
  }
  const blockedStart = place(blockedPreferred, HOUR, 0.5);
  const blockedDependency: Incident = {
    kind: "blocked-dependency",
    title: "payments-api cannot reach ledger:5432",
    description:
      "A security-group change on the ledger PostgreSQL hosts dropped the rule that let payments-api in: for one hour every connection from payments-api to ledger:5432 is rejected (REJECT on the ledger interfaces), and payments-api retries.",
    start: blockedStart,
    end: blockedStart + HOUR,
    vpc: "prod-core",
    details: { source: "payments-api", destination: "ledger", port: 5432 },
  };

  const spikeStart = place(dayStart(3) + 2 * HOUR + 20 * MINUTE, 45 * MINUTE, 0.3);
  const egressSpike: Incident = {
    kind: "egress-spike",
    title: "reporting uploads GBs to an unknown internet address",
    description:
      "At night the reporting service suddenly sends about 12 GB to 5.188.10.77:443 through the NAT gateway, an address no known network covers.",
    start: spikeStart,
    end: spikeStart + 45 * MINUTE,
    vpc: "prod-core",
    details: { source: "reporting", destination: "5.188.10.77", port: 443, approximateBytes: EGRESS_SPIKE_BYTES_TARGET },
  };

  const scanStart = place(dayStart(1) + 4 * HOUR + 40 * MINUTE, 25 * MINUTE, 0.7);
  const portScan: Incident = {
    kind: "port-scan",
    title: `port scan from ${SCAN_SOURCE}`,
    description: `A host at ${SCAN_SOURCE} sweeps hundreds of ports on the public load balancers and the bastion; every probe is rejected.`,
    start: scanStart,
    end: scanStart + 25 * MINUTE,
    vpc: "prod-core",
    details: { source: SCAN_SOURCE },
  };

  const routeStart = floorTo(start + span * 0.55, WINDOW);
  const routeEnd = Math.max(routeStart + WINDOW, floorTo(start + span * 0.85, WINDOW));
  const s3RouteRemoved: Incident = {
    kind: "s3-endpoint-route-removed",
    title: "S3 gateway endpoint route missing in prod-core AZ c",
    description:
      "A route-table change removed the S3 gateway endpoint from the private subnet in the third AZ: its S3 traffic goes through the NAT gateway in another AZ (NAT processing and cross-AZ charges) until the route is restored.",
    start: routeStart,
    end: routeEnd,
    vpc: "prod-core",
    details: { subnetTier: "private", azIndex: 2 },
  };

  return {
    blockedDependency,
    egressSpike,
    portScan,
    s3RouteRemoved,
    all: [blockedDependency, egressSpike, portScan, s3RouteRemoved],
  };
}

export function incidentSummary(incident: Incident): Record<string, unknown> {
  return {
    kind: incident.kind,
    title: incident.title,
    description: incident.description,
    vpc: incident.vpc,
    start: isoTime(incident.start),
    end: isoTime(incident.end),
    startUnix: incident.start,
    endUnix: incident.end,
    ...incident.details,
  };
}
