/**
 * The cost review for the meeting: one printable document (A4 landscape, print CSS), the period's
 * totals and change, dollars per day, team × path, paths, services, top movers and the savings.
 * Props only; the page fetches the report.
 */
import { BreakdownTable } from "./BreakdownTable";
import styles from "./Cost.module.css";
import { DailyCostChart } from "./DailyCostChart";
import { formatBytes, formatChange, formatChangePercent, formatDollars } from "./format";
import { MoversList } from "./MoversList";
import { PrintButton } from "./PrintButton";
import { type CostParams, type ResolvedPeriod, monthLabel, monthOf } from "./report-params";
import { SavingsList } from "./SavingsList";
import { TeamPathMatrix } from "./TeamPathMatrix";
import type { CostReportData } from "./types";

export function CostPrint(props: { report: CostReportData; period: ResolvedPeriod; params: CostParams; backHref: string; generatedAt: string }) {
  const { report, period } = props;
  const paths = report.byPath.map((p) => ({ key: p.key, label: p.label }));
  const previousLabel = (period.kind === "month" ? monthLabel(monthOf(report.previousPeriod.from)) : "the period before") + (report.running ? ` (same ${Math.round((report.previousPeriod.to - report.previousPeriod.from) / 86_400_000)} days)` : "");
  const change = report.totals.dollars - report.totals.previousDollars;
  const savings = report.savings.reduce((a, s) => a + s.estimatedSavings, 0);
  const filters = (["team", "service", "account", "path"] as const).filter((f) => props.params[f]).map((f) => `${f} ${props.params[f]}`);
  return (
    <main className={styles.print} data-testid="cost-print">
      <div className={`${styles.printHint} ${styles.actions}`}>
        <PrintButton />
        <a href={props.backHref}>Back to the interactive review</a>
        <span className="muted">A4 landscape; the navigation and these buttons are not printed.</span>
      </div>
      <h1>Data transfer costs: {period.label}</h1>
      <p className="muted">
        {filters.length > 0 ? `Filtered to ${filters.join(", ")}. ` : "All teams and accounts. "}
        Compared with {previousLabel}. Generated {props.generatedAt.replace("T", " ").slice(0, 16)} UTC by flowlens from hourly rollups of the VPC flow logs
        {report.coverage.missing > 0 ? ` (${report.coverage.missing} of ${report.coverage.hours} hours not rolled up yet)` : ""}.
      </p>
      <div className={styles.cards}>
        <div className={styles.card}>
          <div className={styles.label}>Total</div>
          <div className={styles.value}>{formatDollars(report.totals.dollars)}</div>
          <div className={styles.sub}>
            {formatChange(change)} {formatChangePercent(report.totals.dollars, report.totals.previousDollars)} vs {previousLabel}
          </div>
        </div>
        <div className={styles.card}>
          <div className={styles.label}>Billed bytes</div>
          <div className={styles.value}>{formatBytes(report.totals.billedBytes)}</div>
        </div>
        <div className={styles.card}>
          <div className={styles.label}>Gateway and endpoint hours</div>
          <div className={styles.value}>{formatDollars(report.totals.fixedDollars)}</div>
        </div>
        <div className={styles.card}>
          <div className={styles.label}>Savings found</div>
          <div className={styles.value}>{formatDollars(savings)}</div>
        </div>
      </div>
      {report.warnings.length > 0 ? (
        <div className={styles.warnings}>
          {report.warnings.map((w) => (
            <div key={w} className={styles.warning}>
              {w}
            </div>
          ))}
        </div>
      ) : null}
      <section className={styles.section}>
        <h2>Dollars per day</h2>
        <DailyCostChart days={report.daily} paths={paths} height={240} />
      </section>
      <div className={`${styles.section} ${styles.pageBreak}`}>
        <TeamPathMatrix cells={report.teamByPath} paths={paths} />
      </div>
      <div className={styles.grid2}>
        <BreakdownTable title="By path" what="Path" entries={report.byPath} colorByKey limit={15} />
        <BreakdownTable title="By service" what="Service" detailTitle="Team" entries={report.byService} limit={15} />
      </div>
      <div className={`${styles.section} ${styles.pageBreak}`}>
        <MoversList movers={report.movers} previousLabel={previousLabel} />
      </div>
      <SavingsList savings={report.savings} periodLabel={period.label} />
    </main>
  );
}
