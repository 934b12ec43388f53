import PDFDocument from 'pdfkit';

/** Everything a memo shows, gathered beforehand; rendering reads nothing else (no clock, no randomness). */
export interface MemoContent {
  title: string;
  /** Fixes the PDF's creation date and file id: the underwriting version's own timestamp. */
  asOf: Date;
  organizationName: string;
  property: {
    address: string;
    type: string;
    beds: string;
    baths: string;
    sqft: string;
    yearBuilt: string;
    estimatedValue: string;
    owner: string;
  };
  deal: { title: string; stage: string; lead: string };
  analysis: { kind: string; version: number; figures: [string, string][]; notes: string | null };
  comps: { address: string; saleDate: string; salePrice: string; distance: string; adjustedPrice: string }[];
  arv: string | null;
  score: { value: string; drivers: [string, string][] };
  hazards: [string, string][];
  narrative: string;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
export const usd = (n: number | null | undefined): string => (n == null ? '—' : money.format(n));
export const pct = (n: number | null | undefined): string => (n == null ? '—' : `${(n * 100).toFixed(2)}%`);

/** Renders the memo PDF. The same content always yields the same bytes. */
export function renderMemo(c: MemoContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 54,
    info: {
      Title: c.title,
      Author: c.organizationName,
      Subject: 'Investment memo',
      Creator: 'Real Estate OS',
      Producer: 'Real Estate OS',
      CreationDate: c.asOf,
      ModDate: c.asOf,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const page = new MemoPage(doc);
  page.front(c);
  page.facts(c);
  page.comps(c);
  page.heading(`Seller-motivation score: ${c.score.value}`);
  page.pairs(c.score.drivers);
  page.heading('Hazards');
  if (!c.hazards.length) doc.text('No hazard data (enrich the property to add it).');
  else page.pairs(c.hazards);
  doc.end();
  return done;
}

/** The memo's sections, written in order onto one document. */
class MemoPage {
  constructor(private readonly doc: PDFKit.PDFDocument) {}

  heading(text: string): void {
    this.doc
      .moveDown(0.8)
      .font('Helvetica-Bold')
      .fontSize(13)
      .fillColor('#1f3a5f')
      .text(text)
      .moveDown(0.3)
      .font('Helvetica')
      .fontSize(10)
      .fillColor('black');
  }

  pairs(rows: [string, string][]): void {
    for (const [k, v] of rows)
      this.doc.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(v);
  }

  /** Title, the line under it, and the summary. */
  front(c: MemoContent): void {
    const asOf = c.asOf.toISOString().slice(0, 10);
    this.doc.font('Helvetica-Bold').fontSize(18).text(c.title);
    this.doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#555555')
      .text(`${c.organizationName} — analysis version ${c.analysis.version} (${c.analysis.kind}), as of ${asOf}`)
      .fillColor('black');
    this.heading('Summary');
    this.doc.text(c.narrative);
  }

  /** Property, deal and analysis figures. */
  facts(c: MemoContent): void {
    this.heading('Property');
    this.pairs([
      ['Address', c.property.address],
      ['Type', c.property.type],
      ['Beds / baths / sq ft', `${c.property.beds} / ${c.property.baths} / ${c.property.sqft}`],
      ['Year built', c.property.yearBuilt],
      ['Estimated value', c.property.estimatedValue],
      ['Owner', c.property.owner],
    ]);
    this.heading('Deal');
    this.pairs([
      ['Deal', c.deal.title],
      ['Stage', c.deal.stage],
      ['Seller', c.deal.lead],
    ]);
    this.heading(`Analysis (${c.analysis.kind})`);
    this.pairs(c.analysis.figures);
    if (c.analysis.notes) this.doc.moveDown(0.3).font('Helvetica-Oblique').text(c.analysis.notes).font('Helvetica');
  }

  /** The comparable sales table and the ARV. */
  comps(c: MemoContent): void {
    const { doc } = this;
    this.heading('Comparable sales');
    if (!c.comps.length) return void doc.text('No comparable sales were recorded with this analysis.');
    const cols = [54, 250, 320, 400, 460];
    const row = (cells: string[], bold = false) => {
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
      cells.forEach((cell, i) =>
        doc.text(cell, cols[i]!, y, { width: (cols[i + 1] ?? 558) - cols[i]! - 6, lineBreak: false }),
      );
      doc.x = 54;
      doc.moveDown(0.2);
    };
    row(['Address', 'Sold', 'Price', 'Miles', 'Adjusted'], true);
    for (const comp of c.comps) row([comp.address, comp.saleDate, comp.salePrice, comp.distance, comp.adjustedPrice]);
    doc.font('Helvetica');
    if (c.arv) doc.moveDown(0.3).text(`ARV from comps: ${c.arv}`);
  }
}
