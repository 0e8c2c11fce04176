import type { Metadata } from "next";
import { ImportForm } from "@/components/inventory/ImportForm";

export const metadata: Metadata = { title: "Import · Inventory" };

export default function ImportPage() {
  return (
    <>
      <p className="muted">
        Every file of one import is checked first; a file with any problem writes nothing. A describe-network-interfaces or describe-subnets file is the
        complete list for each account and region it contains: what it no longer lists is marked deleted (kept, with its history).
      </p>
      <ImportForm />
    </>
  );
}
