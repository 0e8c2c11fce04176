import path from "node:path";
import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./screenshots";

const testdata = path.join("server", "inventory", "import", "testdata");
const fixture = (name: string) => path.join(testdata, name);

// One journey in order: the later steps use what the import wrote.
test.describe.configure({ mode: "serial" });

test("a malformed describe-network-interfaces file is refused with its problems, and nothing is written", async ({ page }) => {
  await page.goto("/inventory/import");
  await page.getByTestId("import-files").setInputFiles([fixture("describe-network-interfaces-malformed.json")]);
  await page.getByRole("button", { name: "Preview (dry run)" }).click();
  const problems = page.getByTestId("import-problems");
  await expect(problems).toContainText("3 problems: nothing would be written");
  await expect(problems).toContainText("NetworkInterfaces[1].PrivateIpAddresses[0].PrivateIpAddress");
  await expect(problems).toContainText(/line \d+ · NetworkInterfaces\[3\]\.VpcId \(VpcId\): missing/);
  await expect(page.getByRole("button", { name: "Apply" })).toBeDisabled();
  await keepScreenshot(page, "inventory-import-problems");
});

test("importing describe-network-interfaces: dry run first, then apply", async ({ page }) => {
  await page.goto("/inventory/import");
  await page.getByTestId("import-files").setInputFiles([
    fixture("describe-network-interfaces.json"),
    fixture("describe-vpcs.json"),
    fixture("describe-subnets.json"),
    fixture("ip-ranges.json"),
  ]);
  await page.getByRole("button", { name: "Preview (dry run)" }).click();
  const preview = page.getByTestId("import-preview");
  await expect(preview).toContainText("Nothing is written yet");
  await expect(preview.getByRole("row", { name: /describe-network-interfaces\.json/ })).toContainText("aws ec2 describe-network-interfaces");
  await expect(preview.getByRole("row", { name: /describe-network-interfaces\.json/ }).getByRole("cell").nth(3)).toHaveText("7");
  await keepScreenshot(page, "inventory-import-preview");

  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("import-result")).toContainText(/Imported\. Inventory version \d+/);
  await keepScreenshot(page, "inventory-import-applied");
});

test("the imported interfaces are listed with their services, searchable from the URL", async ({ page }) => {
  await page.goto("/inventory/interfaces");
  await expect(page.getByRole("row", { name: /eni-0b2c3d4e5f6071829/ })).toContainText("payments-public (ALB)");
  await expect(page.getByRole("row", { name: /eni-0c3d4e5f607182930/ })).toContainText("NAT gateway nat-0c1d2e3f4a5b6c7d8");
  await expect(page.getByRole("row", { name: /eni-0d4e5f60718293a4b/ })).toContainText("invoice-renderer");
  await expect(page.getByRole("row", { name: /eni-0718293a4b5c6d7e8/ })).toContainText("unmapped");
  await keepScreenshot(page, "inventory-interfaces");

  await page.getByRole("searchbox", { name: "Search" }).fill("payments-api");
  await expect(page).toHaveURL(/[?&]q=payments-api/);
  await expect(page.getByTestId("interface-count")).toHaveText("1 interface");
  await page.getByRole("link", { name: "eni-0a1b2c3d4e5f60718" }).click();
  await expect(page.getByTestId("interface-service")).toHaveText("payments-api");
  await expect(page.getByTestId("interface-history")).toContainText("first seen");
  await expect(page.getByText("2a05:d012:abc:1100::10")).toBeVisible();
  await keepScreenshot(page, "inventory-interface");
});

test("a mapping rule is previewed before it is saved, and then names the unmapped interface", async ({ page }) => {
  await page.goto("/inventory/rules");
  await expect(page.getByTestId("rule-preview-unmatched")).toContainText("eni-0718293a4b5c6d7e8");
  await page.getByLabel("Name").fill("Batch hosts by security group");
  await page.getByLabel("Security group").fill("default");
  await page.getByLabel("VPC").fill("vpc-0123456789abcdef0");
  await page.getByLabel("Service", { exact: true }).fill("nightly-batch");
  await page.getByLabel("Team").fill("data");
  const matches = page.getByTestId("rule-preview-matches");
  await expect(matches).toContainText("eni-0718293a4b5c6d7e8");
  await expect(matches).toContainText("nightly-batch");
  await expect(page.getByTestId("rule-preview-summary")).toContainText(/Matches 1 of \d+ interfaces; decides 1 of them/);
  // With the rule in place, the interface is no longer among those no rule matches.
  await expect(page.getByTestId("rule-preview-unmatched")).not.toContainText("eni-0718293a4b5c6d7e8");
  await keepScreenshot(page, "inventory-rule-preview");

  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByTestId("saved-rules")).toContainText("Batch hosts by security group");
  await expect(page).toHaveURL(/[?&]rule=/);

  await page.goto("/inventory/interfaces?q=eni-0718293a4b5c6d7e8");
  await expect(page.getByRole("row", { name: /eni-0718293a4b5c6d7e8/ })).toContainText("nightly-batch");
  await keepScreenshot(page, "inventory-rule-applied");
});
