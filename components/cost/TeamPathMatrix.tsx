/** Dollars per team and billed path, with totals (props only): the table the review walks through. */
import { formatDollars } from "./format";
import styles from "./Cost.module.css";

export function TeamPathMatrix(props: { cells: { team: string; path: string; dollars: number }[]; paths: { key: string; label: string }[]; hrefOfTeam?: (team: string) => string }) {
  const billed = props.paths.filter((p) => props.cells.some((c) => c.path === p.key && Math.abs(c.dollars) >= 0.005));
  const teams = [...new Set(props.cells.map((c) => c.team))]
    .map((team) => ({ team, total: props.cells.filter((c) => c.team === team).reduce((a, c) => a + c.dollars, 0) }))
    .filter((t) => Math.abs(t.total) >= 0.005)
    .sort((a, b) => b.total - a.total);
  const cell = (team: string, path: string) => props.cells.filter((c) => c.team === team && c.path === path).reduce((a, c) => a + c.dollars, 0);
  const pathTotal = (path: string) => props.cells.filter((c) => c.path === path).reduce((a, c) => a + c.dollars, 0);
  const total = teams.reduce((a, t) => a + t.total, 0);
  return (
    <section className={`panel ${styles.matrix}`} data-testid="team-path-matrix">
      <h2>Dollars by team and path</h2>
      {teams.length === 0 ? (
        <p className="muted">No billed traffic in this period.</p>
      ) : (
        <div className={styles.scroll}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Team</th>
                {billed.map((p) => (
                  <th key={p.key} className={styles.num}>{p.label}</th>
                ))}
                <th className={styles.num}>Total</th>
              </tr>
            </thead>
            <tbody>
              {teams.map(({ team, total: teamTotal }) => (
                <tr key={team} data-team={team}>
                  <td>{props.hrefOfTeam ? <a href={props.hrefOfTeam(team)}>{team}</a> : team}</td>
                  {billed.map((p) => {
                    const value = cell(team, p.key);
                    return (
                      <td key={p.key} className={styles.num} data-path={p.key}>
                        {Math.abs(value) >= 0.005 ? formatDollars(value) : ""}
                      </td>
                    );
                  })}
                  <td className={`${styles.num} ${styles.strong}`}>{formatDollars(teamTotal)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>Total</th>
                {billed.map((p) => (
                  <th key={p.key} className={styles.num}>{formatDollars(pathTotal(p.key))}</th>
                ))}
                <th className={styles.num}>{formatDollars(total)}</th>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
