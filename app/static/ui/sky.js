// The sky view: every footprint (s_region) of a result drawn on an orthographic
// projection centred on the result, east to the left as on the sky, with an RA/Dec
// grid. Hovering a footprint names its row; clicking picks it.

export const RAD = Math.PI / 180;
const STEPS = [1 / 60, 2 / 60, 5 / 60, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30];
const BAND_COLOURS = {
  u: "#7b3fe4",
  g: "#1a7f37",
  r: "#cf222e",
  i: "#bc4c00",
  z: "#8a5a00",
  y: "#57606a",
};

export function vector(ra, dec) {
  // The unit vector of a position (degrees).
  const a = ra * RAD;
  const d = dec * RAD;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

function numbers(text) {
  return text.trim().split(/\s+/).map(Number);
}

function pairs(values) {
  const out = [];
  for (let i = 0; i + 1 < values.length; i += 2) out.push([values[i], values[i + 1]]);
  return out;
}

function circle(ra, dec, radius) {
  // A circle on the sky as 48 vertices.
  const [a, d, r] = [ra * RAD, dec * RAD, radius * RAD];
  const points = [];
  for (let k = 0; k < 48; k++) {
    const t = (2 * Math.PI * k) / 48;
    const sinD = Math.sin(d) * Math.cos(r) + Math.cos(d) * Math.sin(r) * Math.cos(t);
    const dd = Math.asin(sinD);
    const da = Math.atan2(
      Math.sin(t) * Math.sin(r) * Math.cos(d),
      Math.cos(r) - Math.sin(d) * sinD,
    );
    points.push([(a + da) / RAD, dd / RAD]);
  }
  return points;
}

export function shapes(value, xtype) {
  // The polygons of an s_region value: STC-S text, or a DALI array.
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    if (xtype === "circle" && value.length === 3) return [circle(...value)];
    if (xtype === "polygon") return [pairs(value)];
    return [];
  }
  const polygons = [];
  const pattern = /(POLYGON|CIRCLE|BOX)\s+(?:ICRS|FK5|J2000|UNKNOWNFRAME|GEOCENTER|\s)*([-+0-9.eE\s]+)/gi;
  for (const match of String(value).matchAll(pattern)) {
    const kind = match[1].toUpperCase();
    const values = numbers(match[2]);
    if (kind === "POLYGON") polygons.push(pairs(values));
    else if (kind === "CIRCLE" && values.length >= 3) polygons.push(circle(...values.slice(0, 3)));
  }
  return polygons;
}

export class SkyView {
  constructor(canvas, tip, { onSelect }) {
    this.canvas = canvas;
    this.tip = tip;
    this.onSelect = onSelect;
    this.items = [];
    this.hovered = null;
    this.selected = null;
    canvas.addEventListener("mousemove", (event) => this.hover(event));
    canvas.addEventListener("mouseleave", () => this.setHover(null));
    canvas.addEventListener("click", (event) => {
      const item = this.hit(event);
      if (item) this.onSelect(item.row);
    });
  }

  setItems(items) {
    // items: [{row, polygons: [[[ra, dec], ...]], label, band}]
    this.items = items.filter((item) => item.polygons.length);
    this.hovered = null;
    this.selected = null;
    this.frame();
    this.draw();
  }

  frame() {
    let sum = [0, 0, 0];
    for (const item of this.items) {
      for (const polygon of item.polygons) {
        for (const [ra, dec] of polygon) {
          const v = vector(ra, dec);
          sum = [sum[0] + v[0], sum[1] + v[1], sum[2] + v[2]];
        }
      }
    }
    const norm = Math.hypot(...sum) || 1;
    this.ra0 = Math.atan2(sum[1], sum[0]) / RAD;
    this.dec0 = Math.asin(Math.max(-1, Math.min(1, sum[2] / norm))) / RAD;
    let extent = 0.02 * RAD;
    for (const item of this.items) {
      item.projected = item.polygons.map((polygon) => polygon.map(([ra, dec]) => this.project(ra, dec)));
      for (const polygon of item.projected) {
        for (const [x, y] of polygon) extent = Math.max(extent, Math.abs(x), Math.abs(y));
      }
    }
    this.extent = Math.min(extent * 1.08, 1);
  }

  project(ra, dec) {
    // Orthographic, east (larger RA) to the left; radians on the tangent plane.
    const a = (ra - this.ra0) * RAD;
    const d = dec * RAD;
    const d0 = this.dec0 * RAD;
    const x = -Math.cos(d) * Math.sin(a);
    const y = Math.cos(d0) * Math.sin(d) - Math.sin(d0) * Math.cos(d) * Math.cos(a);
    return [x, y];
  }

  fit() {
    // Device pixels for the canvas's size on screen (sharp lines and labels).
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(this.canvas.clientWidth * ratio) || this.canvas.width;
    const height = Math.round(this.canvas.clientHeight * ratio) || this.canvas.height;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.ratio = ratio;
  }

  toCanvas([x, y]) {
    const { width, height } = this.canvas;
    const scale = Math.min(width, height) / 2 / this.extent;
    return [width / 2 + x * scale, height / 2 - y * scale];
  }

  draw() {
    this.fit();
    const context = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    context.fillStyle = "#0d1117";
    context.fillRect(0, 0, width, height);
    if (!this.items.length) {
      context.fillStyle = "#8c959f";
      context.font = `${14 * this.ratio}px system-ui, sans-serif`;
      context.fillText("No footprints (s_region) in this result", 16, 28);
      return;
    }
    this.drawGrid(context);
    for (const item of this.items) {
      if (item === this.hovered || item.row === this.selected) continue;
      this.drawItem(context, item, BAND_COLOURS[item.band] || "#58a6ff", 1, 0);
    }
    const picked = this.items.find((item) => item.row === this.selected);
    if (picked) this.drawItem(context, picked, "#ffd33d", 2.5, 0.3);
    if (this.hovered) this.drawItem(context, this.hovered, "#ffffff", 2, 0.25);
  }

  drawItem(context, item, colour, width, fill) {
    // Outlines only for the crowd (hundreds overlap in a deep field); filled when picked.
    context.strokeStyle = colour;
    context.fillStyle = colour;
    context.lineWidth = width * this.ratio;
    for (const polygon of item.projected) {
      context.beginPath();
      polygon.forEach((point, i) => {
        const [x, y] = this.toCanvas(point);
        if (i === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      });
      context.closePath();
      if (fill) {
        context.globalAlpha = fill;
        context.fill();
      }
      context.globalAlpha = fill ? 1 : 0.45;
      context.stroke();
      context.globalAlpha = 1;
    }
  }

  drawGrid(context) {
    const span = (2 * this.extent) / RAD;
    const step = STEPS.find((s) => span / s <= 8) || 30;
    const raStep = step / Math.max(Math.cos(this.dec0 * RAD), 0.1);
    const niceRa = STEPS.find((s) => s >= raStep) || 30;
    context.strokeStyle = "#30363d";
    context.fillStyle = "#8c959f";
    context.lineWidth = this.ratio;
    context.font = `${11 * this.ratio}px system-ui, sans-serif`;
    const decLow = Math.max(-90, this.dec0 - span);
    const decHigh = Math.min(90, this.dec0 + span);
    const raHalf = Math.min(180, span / Math.max(Math.cos(this.dec0 * RAD), 0.05));
    const line = (points, label) => {
      context.beginPath();
      let started = false;
      let last = null;
      for (const [ra, dec] of points) {
        const p = this.toCanvas(this.project(ra, dec));
        if (started) context.lineTo(...p);
        else context.moveTo(...p);
        started = true;
        if (p[0] >= 0 && p[0] <= this.canvas.width && p[1] >= 0 && p[1] <= this.canvas.height) {
          last = last || p;
        }
      }
      context.stroke();
      if (last) context.fillText(label, last[0] + 3, last[1] - 3);
    };
    for (let dec = Math.ceil(decLow / step) * step; dec <= decHigh; dec += step) {
      const points = [];
      for (let k = 0; k <= 60; k++) points.push([this.ra0 - raHalf + (2 * raHalf * k) / 60, dec]);
      line(points, `${+dec.toFixed(3)}°`);
    }
    const raLow = Math.ceil((this.ra0 - raHalf) / niceRa) * niceRa;
    for (let ra = raLow; ra <= this.ra0 + raHalf; ra += niceRa) {
      const points = [];
      for (let k = 0; k <= 60; k++) points.push([ra, decLow + ((decHigh - decLow) * k) / 60]);
      line(points.reverse(), `${+(((ra % 360) + 360) % 360).toFixed(3)}°`);
    }
  }

  hit(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * this.canvas.width) / box.width;
    const y = ((event.clientY - box.top) * this.canvas.height) / box.height;
    let best = null;
    let bestArea = Infinity;
    for (const item of this.items) {
      for (const polygon of item.projected) {
        const points = polygon.map((p) => this.toCanvas(p));
        if (!inside(points, x, y)) continue;
        const size = Math.abs(area(points));
        if (size < bestArea) [best, bestArea] = [item, size];
      }
    }
    return best;
  }

  hover(event) {
    const item = this.hit(event);
    this.setHover(item);
    if (item) {
      const box = this.canvas.getBoundingClientRect();
      this.tip.hidden = false;
      this.tip.textContent = item.label;
      this.tip.style.left = `${event.clientX - box.left + 12}px`;
      this.tip.style.top = `${event.clientY - box.top + 12}px`;
    }
  }

  setHover(item) {
    if (!item) this.tip.hidden = true;
    if (item === this.hovered) return;
    this.hovered = item;
    this.canvas.style.cursor = item ? "pointer" : "default";
    this.draw();
  }

  select(row) {
    this.selected = row;
    this.draw();
  }

  centreOf(row) {
    // Where a row's footprint is on the canvas (for tests and keyboard users).
    const item = this.items.find((i) => i.row === row);
    if (!item) return null;
    const points = item.projected[0].map((p) => this.toCanvas(p));
    const x = points.reduce((s, p) => s + p[0], 0) / points.length;
    const y = points.reduce((s, p) => s + p[1], 0) / points.length;
    return [x, y];
  }
}

function inside(points, x, y) {
  let result = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

function area(points) {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    sum += points[j][0] * points[i][1] - points[i][0] * points[j][1];
  }
  return sum / 2;
}
