/**
 * A figure in three formats, in Node, no browser: vega renders the vega-lite spec to SVG (no
 * canvas), @resvg/resvg-js rasterises the SVG to PNG (Rust resvg; prebuilt binaries ship as npm
 * packages, nothing compiles at install), and pdfkit with svg-to-pdfkit draws the same SVG as
 * vector PDF (pure JavaScript). Each file is written atomically.
 * @module
 */
import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "@thunderagent/swebench";
import { renderSvg } from "../plots.js";

/** The SVG's width and height (vega writes both on the root element). */
export function svgSize(svg: string): { width: number; height: number } {
  const head = svg.slice(0, svg.indexOf(">") + 1);
  const num = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(head)?.[1]);
  const width = num("width");
  const height = num("height");
  if (!(width > 0 && height > 0)) throw new Error("the SVG has no width and height");
  return { width, height };
}

export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: true,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return r.render().asPng();
}

export function svgToPdf(svg: string): Promise<Buffer> {
  const { width, height } = svgSize(svg);
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    info: { Producer: "reproduce" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  SVGtoPDF(doc, svg, 0, 0, { width, height, assumePt: true });
  doc.end();
  return done;
}

/** Writes `<stem>.svg`, `<stem>.png` and `<stem>.pdf`; returns the three paths. */
export async function writeFigure(stem: string, spec: TopLevelSpec): Promise<string[]> {
  const svg = await renderSvg(spec);
  const paths = [`${stem}.svg`, `${stem}.png`, `${stem}.pdf`];
  await writeFileAtomic(paths[0] as string, svg);
  await writeFileAtomic(paths[1] as string, svgToPng(svg));
  await writeFileAtomic(paths[2] as string, await svgToPdf(svg));
  return paths;
}
