"use client";
/** A Sankey from sources to destinations (props only); each node is labelled with its exact total. */
import { Rectangle, ResponsiveContainer, Sankey, Tooltip } from "recharts";
import { type Unit, OTHER_COLOR, colorOf, formatValue } from "@/components/explore/format";
import styles from "./charts.module.css";

export interface SankeyInput {
  nodes: { name: string; side: "source" | "destination" }[];
  links: { source: number; target: number; value: number }[];
}

interface NodeProps {
  x: number;
  y: number;
  width: number;
  height: number;
  index: number;
  payload: { name: string; value: number; side?: string };
}

export function SankeyChart(props: { data: SankeyInput; unit: Unit; height?: number }) {
  const { nodes, links } = props.data;
  if (nodes.length === 0 || links.length === 0) return <p className={styles.empty}>Nothing to draw in this time range.</p>;
  const colour = (index: number) => {
    const node = nodes[index];
    if (!node || node.name.startsWith("Other")) return OTHER_COLOR;
    return colorOf(index);
  };
  const Node = (p: NodeProps) => {
    const source = nodes[p.index]?.side === "source";
    return (
      <g>
        <Rectangle x={p.x} y={p.y} width={p.width} height={p.height} fill={colour(p.index)} fillOpacity={0.9} />
        <text
          x={source ? p.x + p.width + 6 : p.x - 6}
          y={p.y + p.height / 2}
          textAnchor={source ? "start" : "end"}
          dominantBaseline="middle"
          fontSize={12}
          fill="#1b2330"
        >
          {p.payload.name} · {formatValue(p.payload.value, props.unit)}
        </text>
      </g>
    );
  };
  return (
    <div className={styles.sankey} data-testid="sankey">
      <ResponsiveContainer width="100%" height={props.height ?? Math.max(260, nodes.length * 34)}>
        <Sankey
          data={{ nodes: nodes.map((n) => ({ name: n.name, side: n.side })), links }}
          node={Node as never}
          nodePadding={18}
          nodeWidth={12}
          margin={{ top: 10, right: 10, bottom: 10, left: 10 }}
          link={{ stroke: "#2357d9", strokeOpacity: 0.25 }}
          iterations={64}
        >
          <Tooltip formatter={(value) => formatValue(Number(value), props.unit)} isAnimationActive={false} />
        </Sankey>
      </ResponsiveContainer>
    </div>
  );
}
