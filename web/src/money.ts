// Prices come in integer minor units (cents) with their currency.
export function money(amount: number | null | undefined, currency?: string | null): string {
  if (amount == null) return "";
  return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "EUR" }).format(
    amount / 100,
  );
}
