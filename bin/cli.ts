/**
 * `npx flowlens <command>`: the command-line entry. Each command lives in bin/commands/ and calls
 * the same services as the portal. Errors print their message (no stack) and exit non-zero.
 */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../server/env";
import { AppError } from "../server/errors";
import { registerDemo } from "./commands/demo";
import { registerEnrich } from "./commands/enrich";
import { registerGenerate } from "./commands/generate";
import { registerIngest } from "./commands/ingest";
import { registerInventory } from "./commands/inventory";
import { registerMigrate } from "./commands/migrate";
import { registerRollup } from "./commands/rollup";
import { registerServe } from "./commands/serve";
import { registerStore } from "./commands/store";

export function buildProgram(): Command {
  const program = new Command()
    .name("flowlens")
    .description("AWS VPC flow logs in Grafana Loki: the portal and its tools.")
    .showHelpAfterError("(run `npx flowlens --help` for the commands)")
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerGenerate(program);
  registerIngest(program);
  registerDemo(program);
  registerStore(program);
  registerInventory(program);
  registerEnrich(program);
  registerRollup(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof ConfigError || error instanceof AppError) {
      console.error(`flowlens: ${error.message}`);
      process.exitCode = error instanceof ConfigError ? 2 : 1;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  }
}
