// The archive's web interface: an ADQL editor with the tables and examples, an image
// search form, async jobs, and one result view (grid, sky, image) shared by all three.

import { Editor } from "./editor.js";
import { Grid } from "./grid.js";
import { ImagePanel } from "./image.js";
import { JobList } from "./jobs.js";
import { siaParameters } from "./sia.js";
import { SkyView, shapes } from "./sky.js";
import {
  fetchResult,
  loadExamples,
  loadTables,
  runSync,
  searchImages,
  submitJob,
  syncUrl,
} from "./vo.js";

const settings = JSON.parse(document.getElementById("settings").textContent);
const DOWNLOADS = [
  ["VOTable", "votable"],
  ["CSV", "csv"],
  ["TSV", "tsv"],
  ["FITS", "fits"],
  ["Parquet", "parquet"],
  ["JSON", "json"],
];

const $ = (selector) => document.querySelector(selector);
const editor = new Editor($("#editor"));
const status = $("#status");
const downloads = $("#downloads");
const image = new ImagePanel($("#image"));
let current = null; // {columns, rows}
let running = null; // AbortController of the query or search in flight

const grid = new Grid($("#grid"), { onSelect: (row) => pick(row, false) });
const sky = new SkyView($("#sky canvas"), $("#sky .tip"), { onSelect: (row) => pick(row, true) });
const jobs = new JobList($("#jobs"), {
  onResult: (url, query) => showJobResult(url, query),
  onError: (error) => say(error.message, true),
});

// Tabs

function showTab(name) {
  for (const button of document.querySelectorAll("nav [data-tab]")) {
    button.setAttribute("aria-selected", String(button.dataset.tab === name));
  }
  for (const section of document.querySelectorAll("main > section[data-tab]")) {
    section.hidden = section.dataset.tab !== name;
  }
  $("#result").hidden = !(name === "query" || name === "images") || !current;
  if (name === "jobs") jobs.refresh();
}

for (const button of document.querySelectorAll("nav [data-tab]")) {
  button.addEventListener("click", () => showTab(button.dataset.tab));
}

function say(text, error = false) {
  status.textContent = text;
  status.className = error ? "error" : "";
}

// The tables and examples

async function fillSchema() {
  const list = $("#tables");
  let tables;
  try {
    tables = await loadTables();
  } catch (error) {
    list.textContent = `The tables could not be read: ${error.message}`;
    return;
  }
  for (const table of tables) {
    const details = document.createElement("details");
    details.open = table.name.toLowerCase() === "ivoa.obscore";
    const summary = document.createElement("summary");
    const name = document.createElement("button");
    name.type = "button";
    name.className = "insert";
    name.textContent = table.name;
    name.title = `${table.description}\n(click to insert)`;
    name.addEventListener("click", () => editor.insert(table.name));
    summary.append(name);
    details.append(summary);
    const columns = document.createElement("ul");
    for (const column of table.columns) {
      const item = document.createElement("li");
      const insert = document.createElement("button");
      insert.type = "button";
      insert.className = "insert";
      insert.textContent = column.name;
      insert.title = [
        column.description,
        column.unit && `unit: ${column.unit}`,
        column.ucd && `UCD: ${column.ucd}`,
        column.datatype,
        "(click to insert)",
      ]
        .filter(Boolean)
        .join("\n");
      insert.addEventListener("click", () => editor.insert(column.name));
      item.append(insert);
      if (column.unit) {
        const unit = document.createElement("small");
        unit.textContent = ` ${column.unit}`;
        item.append(unit);
      }
      columns.append(item);
    }
    details.append(columns);
    list.append(details);
  }
}

async function fillExamples() {
  const select = $("#examples");
  const examples = await loadExamples();
  for (const example of examples) {
    const option = document.createElement("option");
    option.textContent = example.name;
    option.value = example.query;
    select.append(option);
  }
  select.addEventListener("change", () => {
    if (select.value) editor.value = select.value;
    select.selectedIndex = 0;
  });
  const asked = new URLSearchParams(location.search).get("query");
  if (asked) editor.value = asked;
  else if (!editor.value && examples.length) editor.value = examples[0].query;
}

// Running

async function run(work, describe) {
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  const started = performance.now();
  say("Running…");
  $("#stop").hidden = false;
  try {
    const result = await work(controller.signal);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    show(result, describe(result), seconds);
  } catch (error) {
    if (error.name === "AbortError") say("Stopped.");
    else return error;
  } finally {
    if (running === controller) running = null;
    $("#stop").hidden = true;
  }
  return null;
}

$("#stop").addEventListener("click", () => running && running.abort());

async function runQuery() {
  const query = editor.value;
  const maxrec = $("#maxrec").value;
  const error = await run(
    (signal) => runSync(query, maxrec, signal),
    () => ({ query, maxrec }),
  );
  if (error) {
    editor.showError(error);
    say("The query was refused: see the message under the editor.", true);
  }
}

$("#run").addEventListener("click", runQuery);
$("#editor").addEventListener("run", runQuery);

$("#run-async").addEventListener("click", async () => {
  try {
    await submitJob(editor.value, $("#maxrec").value);
    showTab("jobs");
  } catch (error) {
    editor.showError(error);
  }
});

async function showJobResult(url, query) {
  showTab("query");
  editor.value = query;
  const error = await run(
    () => fetchResult(url),
    () => ({ query, maxrec: null }),
  );
  if (error) say(error.message, true);
}

$("#sia-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  let params;
  try {
    params = siaParameters(event.target, settings.bands);
  } catch (error) {
    say(error.message, true);
    return;
  }
  const error = await run(
    (signal) => searchImages(settings.siaUrl, params, signal),
    (result) => {
      $("#sia-adql").textContent = result.info.QUERY || "";
      $("#sia-adql-block").hidden = false;
      return { query: result.info.QUERY, maxrec: result.info.MAXREC };
    },
  );
  if (error) say(error.message, true);
});

$("#sia-edit").addEventListener("click", () => {
  editor.value = $("#sia-adql").textContent;
  showTab("query");
});

$("#field-preset").addEventListener("change", (event) => {
  const field = settings.fields[Number(event.target.value)];
  if (!field) return;
  const form = $("#sia-form");
  form.elements.ra.value = field.ra;
  form.elements.dec.value = field.dec;
  form.elements.polygon.value = "";
});

// The result

function columnIndex(columns, name) {
  // A result column by name, whatever its case; -1 if there is none.
  return columns.findIndex((c) => c.name.toLowerCase() === name);
}

function show(result, { query, maxrec }, seconds) {
  const columns = result.metadata;
  const rows = result.data;
  current = { columns, rows };
  $("#result").hidden = false;
  const more = result.query_status === "OVERFLOW" ? " (cut at MAXREC: there are more)" : "";
  say(`${rows.length.toLocaleString("en")} rows${more} in ${seconds} s`);
  downloads.replaceChildren("Download: ");
  DOWNLOADS.forEach(([label, format], i) => {
    const link = document.createElement("a");
    link.href = syncUrl(query, format, maxrec);
    link.textContent = label;
    link.setAttribute("download", "");
    if (i) downloads.append(" · ");
    downloads.append(link);
  });
  grid.setData(columns, rows);
  image.clear();
  const named = (name) => columnIndex(columns, name);
  const region = named("s_region");
  const [band, id, subtype] = [named("lsst_band"), named("obs_id"), named("dataproduct_subtype")];
  const items = [];
  if (region >= 0) {
    rows.forEach((row, index) => {
      const label = [id >= 0 ? row[id] : `row ${index + 1}`, band >= 0 ? row[band] : "", subtype >= 0 ? row[subtype] : ""]
        .filter(Boolean)
        .join(" · ");
      items.push({
        row: index,
        polygons: shapes(row[region], columns[region].xtype),
        label,
        band: band >= 0 ? row[band] : null,
      });
    });
  }
  $("#sky").hidden = region < 0;
  $(".result-layout").classList.toggle("wide", region < 0 && $("#image").hidden);
  sky.setItems(items);
}

function pick(index, fromSky) {
  grid.select(index, fromSky);
  sky.select(index);
  const { columns, rows } = current;
  const row = rows[index];
  const named = (name) => columnIndex(columns, name);
  const did = named("obs_publisher_did");
  const access = named("access_url");
  const format = named("access_format");
  const id = named("obs_id");
  let linksUrl = null;
  if (access >= 0 && row[access] && (format < 0 || String(row[format]).includes("datalink"))) {
    linksUrl = row[access];
  } else if (did >= 0 && row[did]) {
    linksUrl = `api/datalink/links?${new URLSearchParams({ ID: row[did] })}`;
  }
  if (!linksUrl) {
    image.clear();
    return;
  }
  const label = id >= 0 ? row[id] : `Row ${index + 1}`;
  $(".result-layout").classList.remove("wide");
  image.show({ id: did >= 0 ? row[did] : null, linksUrl, label });
}

// For people poking at the page from the console, and for the browser tests.
window.obscura = { editor, grid, sky, image, jobs };

fillSchema();
fillExamples();
showTab(new URLSearchParams(location.search).get("tab") || "query");
