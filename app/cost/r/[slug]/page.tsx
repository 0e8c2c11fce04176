import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { costParamsToSearch, parseCostParams } from "@/components/cost/report-params";
import { getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";

/** A saved report link: opens the cost review with the period and filters it was saved with. */
export default async function SavedCostReport({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  let search: string;
  try {
    const saved = await getQueryClient().fetchQuery(trpc.cost.savedLink.queryOptions({ slug }));
    search = costParamsToSearch(parseCostParams((name) => saved.params[name]));
  } catch (error) {
    const message = error instanceof TRPCError || error instanceof Error ? error.message : String(error);
    return (
      <main className="page">
        <h1>Saved cost report</h1>
        <div className="error-box">{message}</div>
        <p style={{ marginTop: 12 }}>
          <Link href="/cost">Open the cost review</Link>
        </p>
      </main>
    );
  }
  redirect(search ? `/cost?${search}` : "/cost");
}
