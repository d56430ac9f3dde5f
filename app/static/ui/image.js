// One image's panel: its preview, its DataLink links, and a cutout drawn on the preview
// (a circle: press at the centre and drag out the radius; or a box) that downloads the
// SODA cutout. The preview's pixels are mapped to the sky through the WCS of the FITS
// file's image header, read with an HTTP range request (the first blocks only).

import { RAD, vector } from "./sky.js";
import { loadLinks } from "./vo.js";

const BLOCK = 2880;

function cards(bytes, start) {
  // The header starting at ``start``: {keyword: value}, and where its data begins.
  const text = new TextDecoder("latin1");
  const header = {};
  for (let at = start; at + 80 <= bytes.length; at += 80) {
    const card = text.decode(bytes.subarray(at, at + 80));
    const key = card.slice(0, 8).trim();
    if (key === "END") {
      const end = at + 80;
      return { header, data: Math.ceil(end / BLOCK) * BLOCK };
    }
    if (card.slice(8, 10) !== "= ") continue;
    let value = card.slice(10).split(" /")[0].trim();
    if (value.startsWith("'")) value = value.slice(1, value.lastIndexOf("'")).trim();
    else if (value === "T" || value === "F") value = value === "T";
    else if (!Number.isNaN(Number(value))) value = Number(value);
    header[key] = value;
  }
  return null; // not all read yet
}

function dataBytes(header) {
  const naxis = header.NAXIS || 0;
  if (!naxis) return 0;
  let size = Math.abs(header.BITPIX) / 8;
  for (let i = 1; i <= naxis; i++) size *= header[`NAXIS${i}`];
  size = (size + (header.PCOUNT || 0)) * (header.GCOUNT || 1);
  return Math.ceil(size / BLOCK) * BLOCK;
}

export async function imageWcs(fileUrl) {
  // The image HDU's WCS and size: the first one named IMAGE, or the first 2-d image.
  let length = 64 * BLOCK;
  for (let attempt = 0; attempt < 3; attempt++, length *= 4) {
    const response = await fetch(fileUrl, { headers: { Range: `bytes=0-${length - 1}` } });
    const bytes = new Uint8Array(await response.arrayBuffer());
    let start = 0;
    let short = false;
    while (start < bytes.length) {
      const found = cards(bytes, start);
      if (!found) {
        short = true;
        break;
      }
      const h = found.header;
      const width = h.ZNAXIS1 || h.NAXIS1;
      const height = h.ZNAXIS2 || h.NAXIS2;
      const image = h.EXTNAME === "IMAGE" || (h.CRPIX1 !== undefined && width && height);
      if (image && h.CRVAL1 !== undefined) return wcsOf(h, width, height);
      start = found.data + dataBytes(h);
      if (start >= bytes.length && response.status === 206) short = true;
    }
    if (!short) break;
  }
  throw new Error("the file's image header has no WCS");
}

function wcsOf(h, width, height) {
  let cd = [h.CD1_1, h.CD1_2 || 0, h.CD2_1 || 0, h.CD2_2];
  if (cd[0] === undefined) {
    const [c1, c2] = [h.CDELT1 || 1, h.CDELT2 || 1];
    cd = [c1 * (h.PC1_1 ?? 1), c1 * (h.PC1_2 || 0), c2 * (h.PC2_1 || 0), c2 * (h.PC2_2 ?? 1)];
  }
  return { crpix: [h.CRPIX1, h.CRPIX2], crval: [h.CRVAL1, h.CRVAL2], cd, width, height };
}

export function pixelToSky(wcs, x, y) {
  // FITS pixel (1-based) to RA, Dec in degrees through the gnomonic (TAN) projection.
  const dx = x - wcs.crpix[0];
  const dy = y - wcs.crpix[1];
  const xi = (wcs.cd[0] * dx + wcs.cd[1] * dy) * RAD;
  const eta = (wcs.cd[2] * dx + wcs.cd[3] * dy) * RAD;
  const [a0, d0] = [wcs.crval[0] * RAD, wcs.crval[1] * RAD];
  const denominator = Math.cos(d0) - eta * Math.sin(d0);
  const ra = a0 + Math.atan2(xi, denominator);
  const dec = Math.atan2(Math.sin(d0) + eta * Math.cos(d0), Math.hypot(xi, denominator));
  return [(((ra / RAD) % 360) + 360) % 360, dec / RAD];
}

function separation([ra1, dec1], [ra2, dec2]) {
  const [a, b] = [vector(ra1, dec1), vector(ra2, dec2)];
  const cross = Math.hypot(
    a[1] * b[2] - a[2] * b[1],
    a[2] * b[0] - a[0] * b[2],
    a[0] * b[1] - a[1] * b[0],
  );
  return Math.atan2(cross, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / RAD;
}


function safeUrl(url) {
  // Only web addresses become links (an archive's values are data, not script).
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

export class ImagePanel {
  constructor(root) {
    this.root = root;
    this.token = 0;
  }

  clear() {
    this.token++;
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  async show(row) {
    // row: {id, linksUrl, label}
    const token = ++this.token;
    this.root.hidden = false;
    this.root.replaceChildren(element("p", { className: "note", textContent: "Loading links…" }));
    let linked;
    try {
      linked = await loadLinks(row.linksUrl);
    } catch (error) {
      if (token === this.token) {
        this.root.replaceChildren(element("p", { className: "error", textContent: error.message }));
      }
      return;
    }
    if (token !== this.token) return;
    const links = linked.links.filter((link) => link.ID === row.id || !row.id);
    const file = links.find((l) => l.semantics === "#this" && l.access_url);
    const preview = links.find((l) => l.semantics === "#preview" && l.local_semantics !== "thumbnail");
    const cutout = links.find((l) => l.semantics === "#cutout" && l.service_def === "cutout-sync");
    this.root.replaceChildren(element("h3", { textContent: row.label }));
    if (preview) this.root.append(this.previewBlock(preview.access_url, file, cutout, linked, row));
    this.root.append(this.linkTable(links));
  }

  linkTable(links) {
    const table = element("table", { className: "links" });
    for (const link of links) {
      const href = link.access_url ? safeUrl(link.access_url) : null;
      const what = href
        ? element("a", { href, textContent: link.description || link.access_url })
        : document.createTextNode(
            link.error_message || `${link.description} (service ${link.service_def})`,
          );
      table.append(element("tr", {}, element("td", { textContent: link.semantics }), element("td", {}, what)));
    }
    return table;
  }

  previewBlock(previewUrl, file, cutout, linked, row) {
    const block = element("div", { className: "preview" });
    const frame = element("div", { className: "frame" });
    const image = element("img", { src: previewUrl, alt: `Preview of ${row.label}` });
    const overlay = element("canvas", { className: "overlay" });
    frame.append(image, overlay);
    block.append(frame);
    if (!cutout || !file) return block;
    const service = linked.services[cutout.service_def];
    const mode = element(
      "select",
      { className: "shape", title: "Shape of the cutout" },
      element("option", { value: "circle", textContent: "circle" }),
      element("option", { value: "box", textContent: "box" }),
    );
    const status = element("span", { className: "note", textContent: "Reading the image's coordinates…" });
    const download = element("a", { className: "button", textContent: "Download the cutout (FITS)", hidden: true });
    download.setAttribute("download", "");
    block.append(element("p", {}, "Cutout shape: ", mode, " ", status), element("p", {}, download));
    let wcs = null;
    imageWcs(file.access_url).then(
      (found) => {
        wcs = found;
        overlay.dataset.ready = "true";
        status.textContent = "Draw a cutout on the preview: press at its centre and drag.";
      },
      (error) => {
        status.textContent = `No cutout: ${error.message}`;
      },
    );
    let start = null;
    const toPreview = (event) => {
      const box = overlay.getBoundingClientRect();
      return [
        ((event.clientX - box.left) * image.naturalWidth) / box.width,
        ((event.clientY - box.top) * image.naturalHeight) / box.height,
      ];
    };
    const toSky = ([px, py]) => {
      // The preview is the image block-averaged by an integer factor, first row at the top.
      const factor = Math.floor(wcs.width / image.naturalWidth);
      const x = px * factor + 0.5;
      const y = (image.naturalHeight - py) * factor + 0.5;
      return pixelToSky(wcs, x, y);
    };
    const drawShape = (a, b) => {
      overlay.width = image.naturalWidth;
      overlay.height = image.naturalHeight;
      const context = overlay.getContext("2d");
      context.clearRect(0, 0, overlay.width, overlay.height);
      context.strokeStyle = "#ffd33d";
      context.lineWidth = Math.max(2, overlay.width / 300);
      context.beginPath();
      if (mode.value === "circle") context.arc(a[0], a[1], Math.hypot(b[0] - a[0], b[1] - a[1]), 0, 2 * Math.PI);
      else context.rect(a[0], a[1], b[0] - a[0], b[1] - a[1]);
      context.stroke();
    };
    overlay.addEventListener("mousedown", (event) => {
      if (!wcs) return;
      event.preventDefault();
      start = toPreview(event);
    });
    overlay.addEventListener("mousemove", (event) => {
      if (start) drawShape(start, toPreview(event));
    });
    overlay.addEventListener("mouseup", (event) => {
      if (!start) return;
      const end = toPreview(event);
      drawShape(start, end);
      const params = new URLSearchParams({ ID: service.ID || row.id });
      let what;
      if (mode.value === "circle") {
        const centre = toSky(start);
        const radius = separation(centre, toSky(end));
        params.set("CIRCLE", `${centre[0].toFixed(6)} ${centre[1].toFixed(6)} ${radius.toFixed(6)}`);
        what = `circle of ${(radius * 3600).toFixed(1)}″ around ${centre[0].toFixed(5)} ${centre[1].toFixed(5)}`;
      } else {
        const corners = [start, [end[0], start[1]], end, [start[0], end[1]]].map(toSky);
        params.set("POLYGON", corners.flat().map((v) => v.toFixed(6)).join(" "));
        what = `box with corners ${corners.map((c) => c.map((v) => v.toFixed(4)).join(" ")).join(", ")}`;
      }
      start = null;
      download.href = `${service.accessURL}?${params}`;
      download.hidden = false;
      status.textContent = `Cutout: ${what}.`;
    });
    return block;
  }
}
