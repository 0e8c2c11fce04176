/**
 * Live sync of the inventory from AWS: for each account (the default credential chain's, or a role
 * assumed per account) and region, the same four calls the AWS CLI makes
 * (DescribeNetworkInterfaces, DescribeSubnets, DescribeVpcs, DescribeFlowLogs, every page), turned
 * into the JSON the CLI prints and imported through the importer, in one transaction. The SDK's
 * output is the CLI's JSON, so one reader serves files and the API.
 */
import {
  EC2Client,
  type EC2ClientConfig,
  paginateDescribeFlowLogs,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
} from "@aws-sdk/client-ec2";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { Database } from "../db/client";
import { AppError } from "../errors";
import { type ImportResult, type InventoryFileInput, importInventory } from "./import/apply";

export interface AwsAccountTarget {
  /** The role to assume in the account (e.g. arn:aws:iam::123456789012:role/flowlens-inventory); undefined: the default credential chain as is. */
  roleArn?: string;
  regions: string[];
}

export interface AwsSyncOptions {
  db: Database;
  targets: AwsAccountTarget[];
  dryRun: boolean;
  importedBy: string;
  /** For tests: where the EC2 and STS APIs are (a recorded-response server), and fixed credentials. */
  endpoint?: string;
  credentials?: EC2ClientConfig["credentials"];
  /** Reports each call as it finishes (the CLI prints progress). */
  progress?: (line: string) => void;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

/** A page size within what every Describe call accepts (5–1000). */
const PAGE_SIZE = 1000;

function clientFor(target: AwsAccountTarget, region: string, options: AwsSyncOptions): EC2Client {
  const base = { region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const credentials = target.roleArn
    ? fromTemporaryCredentials({
        params: { RoleArn: target.roleArn, RoleSessionName: "flowlens-inventory" },
        ...(options.credentials ? { masterCredentials: options.credentials } : {}),
        clientConfig: base,
      })
    : options.credentials;
  return new EC2Client({ ...base, ...(credentials ? { credentials } : {}), maxAttempts: 3 });
}

async function collect<T>(pages: AsyncIterable<T>, pick: (page: T) => unknown[] | undefined): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
}

function describeFailure(error: unknown, where: string): AppError {
  const name = (error as { name?: string }).name ?? "Error";
  const message = (error as Error).message ?? String(error);
  const hint =
    name === "CredentialsProviderError"
      ? " No AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where an instance or task role applies."
      : name === "AccessDenied" || name === "UnauthorizedOperation" || name === "AccessDeniedException"
        ? " The role needs ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets, ec2:DescribeVpcs and ec2:DescribeFlowLogs (and sts:AssumeRole for cross-account roles)."
        : "";
  return new AppError("UPSTREAM_ERROR", `Reading ${where} from AWS failed: ${name}: ${message.replace(/\.$/, "")}.${hint}`, { cause: error });
}

/** Reads every target account and region from AWS and imports the result (a dry run writes nothing). */
export async function syncInventoryFromAws(options: AwsSyncOptions): Promise<ImportResult> {
  if (options.targets.length === 0) throw new AppError("BAD_REQUEST", "Name at least one region to read (and optionally one role per account).");
  for (const target of options.targets) {
    if (target.roleArn !== undefined && !ROLE_ARN.test(target.roleArn)) {
      throw new AppError("BAD_REQUEST", `"${target.roleArn}" is not an IAM role ARN such as arn:aws:iam::123456789012:role/flowlens-inventory.`);
    }
    if (target.regions.length === 0) throw new AppError("BAD_REQUEST", "Name at least one region, e.g. --region eu-west-3.");
    for (const region of target.regions) if (!REGION.test(region)) throw new AppError("BAD_REQUEST", `"${region}" is not an AWS region such as eu-west-3.`);
  }
  const observedAt = new Date();
  const files: InventoryFileInput[] = [];
  for (const target of options.targets) {
    const who = target.roleArn ? (ROLE_ARN.exec(target.roleArn)?.[1] as string) : "default-credentials";
    for (const region of target.regions) {
      const client = clientFor(target, region, options);
      const where = `aws:${who}/${region}`;
      const paging = { client, pageSize: PAGE_SIZE };
      try {
        const interfaces = await collect(paginateDescribeNetworkInterfaces(paging, {}), (p) => p.NetworkInterfaces);
        const subnets = await collect(paginateDescribeSubnets(paging, {}), (p) => p.Subnets);
        const vpcs = await collect(paginateDescribeVpcs(paging, {}), (p) => p.Vpcs);
        const flowLogs = await collect(paginateDescribeFlowLogs(paging, {}), (p) => p.FlowLogs);
        files.push(
          { name: `${where}/describe-network-interfaces`, text: JSON.stringify({ NetworkInterfaces: interfaces }) },
          { name: `${where}/describe-subnets`, text: JSON.stringify({ Subnets: subnets }) },
          { name: `${where}/describe-vpcs`, text: JSON.stringify({ Vpcs: vpcs }), region },
          { name: `${where}/describe-flow-logs`, text: JSON.stringify({ FlowLogs: flowLogs }) },
        );
        options.progress?.(`${where}: ${interfaces.length} interfaces, ${subnets.length} subnets, ${vpcs.length} VPCs, ${flowLogs.length} flow logs`);
      } catch (error) {
        throw describeFailure(error, `the inventory of ${where}`);
      } finally {
        client.destroy();
      }
    }
  }
  return importInventory({ db: options.db, files, dryRun: options.dryRun, importedBy: options.importedBy, observedAt });
}
