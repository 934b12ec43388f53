const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const usd = (n: number | null | undefined) => (n == null ? '—' : money.format(n));
export const usdShort = (n: number | null | undefined) => (n == null ? '—' : `$${compact.format(n)}`);
export const pct = (n: number | null | undefined) => (n == null ? '—' : `${(n * 100).toFixed(1)}%`);
export const num = (n: number | null | undefined, digits = 0) =>
  n == null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
}

const ACRONYMS: Record<string, string> = { PPC: 'PPC', SEO: 'SEO', SMS: 'SMS' };

/** "NEGOTIATION" -> "Negotiation", "UNDER_CONTRACT" -> "Under contract", "PPC" -> "PPC" */
export function label(value: string): string {
  if (ACRONYMS[value]) return ACRONYMS[value];
  const words = value.toLowerCase().split('_');
  return [words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1), ...words.slice(1)].join(' ');
}
