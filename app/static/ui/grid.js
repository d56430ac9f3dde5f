// The results grid: a table that draws only the rows in view (10^5 rows scroll as fast
// as 10), sorts on a header click, shows a column's metadata on hover and tells its
// owner which row was picked.

const ROW_HEIGHT = 24;
const OVERSCAN = 10;

function compare(a, b) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(" ");
  return String(value);
}

export class Grid {
  constructor(root, { onSelect }) {
    this.root = root;
    this.onSelect = onSelect;
    this.columns = [];
    this.rows = [];
    this.order = [];
    this.sort = null;
    this.selected = null;
    this.scroller = root.querySelector(".grid-scroll");
    this.table = root.querySelector("table");
    this.scroller.addEventListener("scroll", () => this.draw());
    this.table.addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-row]");
      if (row) this.onSelect(Number(row.dataset.row));
    });
  }

  setData(columns, rows) {
    this.columns = columns;
    this.rows = rows;
    this.order = rows.map((_, i) => i);
    this.sort = null;
    this.selected = null;
    this.scroller.scrollTop = 0;
    this.drawHeader();
    this.draw();
  }

  drawHeader() {
    const head = document.createElement("thead");
    const tr = document.createElement("tr");
    tr.append(document.createElement("th"));
    this.columns.forEach((column, index) => {
      const th = document.createElement("th");
      th.dataset.column = index;
      const arrow = this.sort && this.sort.column === index ? (this.sort.up ? " ▲" : " ▼") : "";
      th.textContent = column.name + arrow;
      if (column.unit) {
        const unit = document.createElement("small");
        unit.textContent = column.unit;
        th.append(unit);
      }
      th.title = [
        column.description,
        column.unit && `unit: ${column.unit}`,
        column.ucd && `UCD: ${column.ucd}`,
        column.datatype + (column.arraysize ? `[${column.arraysize}]` : ""),
      ]
        .filter(Boolean)
        .join("\n");
      th.addEventListener("click", () => this.sortBy(index));
      tr.append(th);
    });
    head.append(tr);
    const old = this.table.querySelector("thead");
    if (old) old.replaceWith(head);
    else this.table.prepend(head);
  }

  sortBy(index) {
    const up = !(this.sort && this.sort.column === index && this.sort.up);
    this.sort = { column: index, up };
    const rows = this.rows;
    this.order.sort((a, b) => {
      const order = compare(rows[a][index], rows[b][index]);
      return up ? order : -order;
    });
    this.drawHeader();
    this.draw();
  }

  select(index, scroll) {
    this.selected = index;
    if (scroll) {
      const position = this.order.indexOf(index);
      const top = position * ROW_HEIGHT;
      const view = this.scroller.clientHeight - 2 * ROW_HEIGHT;
      if (top < this.scroller.scrollTop || top > this.scroller.scrollTop + view) {
        this.scroller.scrollTop = Math.max(0, top - view / 2);
      }
    }
    this.draw();
  }

  draw() {
    const total = this.order.length;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const shown = Math.ceil(this.scroller.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(total, first + shown);
    const body = document.createElement("tbody");
    const spacer = (rows) => {
      const tr = document.createElement("tr");
      tr.className = "spacer";
      tr.style.height = `${rows * ROW_HEIGHT}px`;
      return tr;
    };
    if (first > 0) body.append(spacer(first));
    for (let position = first; position < last; position++) {
      const index = this.order[position];
      const tr = document.createElement("tr");
      tr.dataset.row = index;
      if (index === this.selected) tr.className = "selected";
      const number = document.createElement("td");
      number.className = "n";
      number.textContent = index + 1;
      tr.append(number);
      for (const value of this.rows[index]) {
        const td = document.createElement("td");
        td.textContent = cellText(value);
        tr.append(td);
      }
      body.append(tr);
    }
    if (last < total) body.append(spacer(total - last));
    const old = this.table.querySelector("tbody");
    if (old) old.replaceWith(body);
    else this.table.append(body);
  }
}
