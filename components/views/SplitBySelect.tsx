/** The "split by" choice of a view's chart: one of the view's dimensions, named for people. */
export function SplitBySelect<D extends string>(props: { dimensions: readonly D[]; labels: Record<D, string>; value: D; onChange: (dimension: D) => void }) {
  return (
    <select aria-label="Split by" value={props.value} onChange={(e) => props.onChange(e.target.value as D)}>
      {props.dimensions.map((d) => (
        <option key={d} value={d}>
          {props.labels[d]}
        </option>
      ))}
    </select>
  );
}
