"use client";
/** Opens the browser's print dialog. */
export function PrintButton() {
  return (
    <button type="button" className="primary" onClick={() => window.print()}>
      Print
    </button>
  );
}
