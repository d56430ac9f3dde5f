// Talking to the archive's own services: TAP (sync, async, VOSI tables, examples),
// SIA and DataLink. Everything here is what any client would send; the page gets no
// private API. Addresses are relative to the page, so that the interface also works
// behind a proxy that serves the archive under a path (https://host/archive/).

const UWS = "http://www.ivoa.net/xml/UWS/v1.0";

export class ServiceError extends Error {
  // A refusal with the service's message; line and column when it names a place.
  constructor(message, status) {
    super(message);
    this.status = status;
    const place = /line (\d+), column (\d+)/.exec(message);
    this.line = place ? Number(place[1]) : null;
    this.column = place ? Number(place[2]) : null;
    const hint = /did you mean '([^']+)'\?/.exec(message);
    this.suggestion = hint ? hint[1] : null;
  }
}

function xml(text) {
  return new DOMParser().parseFromString(text, "application/xml");
}

async function refusal(response) {
  // The message of an error document (VOTable, or text for SODA), or the status.
  const text = await response.text();
  if (text.trimStart().startsWith("<")) {
    const info = [...xml(text).getElementsByTagName("INFO")].find(
      (element) => element.getAttribute("name") === "QUERY_STATUS",
    );
    if (info && info.textContent.trim()) {
      return new ServiceError(info.textContent.trim(), response.status);
    }
  }
  return new ServiceError(text.trim() || `HTTP ${response.status}`, response.status);
}

export function syncUrl(query, format, maxrec) {
  const params = new URLSearchParams({ LANG: "ADQL", QUERY: query, RESPONSEFORMAT: format });
  if (maxrec) params.set("MAXREC", maxrec);
  return `api/tap/sync?${params}`;
}

async function json(response) {
  if (!response.ok) throw await refusal(response);
  const result = await response.json();
  if (result.query_status === "ERROR") throw new ServiceError(result.error, 200);
  return result;
}

export async function runSync(query, maxrec, signal) {
  const body = new URLSearchParams({ LANG: "ADQL", QUERY: query, RESPONSEFORMAT: "json" });
  if (maxrec) body.set("MAXREC", maxrec);
  return json(await fetch("api/tap/sync", { method: "POST", body, signal }));
}

export async function searchImages(siaUrl, params, signal) {
  const search = new URLSearchParams(params);
  search.set("RESPONSEFORMAT", "json");
  return json(await fetch(`${siaUrl}?${search}`, { signal }));
}

export async function fetchResult(url) {
  return json(await fetch(url));
}

export async function loadTables() {
  const response = await fetch("api/tap/tables");
  if (!response.ok) throw await refusal(response);
  const doc = xml(await response.text());
  const text = (element, name) => {
    const child = [...element.children].find((c) => c.localName === name);
    return child ? child.textContent.trim() : "";
  };
  const tables = [];
  for (const schema of doc.getElementsByTagName("schema")) {
    for (const table of [...schema.children].filter((c) => c.localName === "table")) {
      const columns = [...table.children]
        .filter((c) => c.localName === "column")
        .map((column) => {
          const type = [...column.children].find((c) => c.localName === "dataType");
          return {
            name: text(column, "name"),
            description: text(column, "description"),
            unit: text(column, "unit"),
            ucd: text(column, "ucd"),
            datatype: type ? type.textContent.trim() : "",
          };
        });
      tables.push({ name: text(table, "name"), description: text(table, "description"), columns });
    }
  }
  return tables;
}

export async function loadExamples() {
  const response = await fetch("api/tap/examples");
  if (!response.ok) return [];
  const doc = xml(await response.text());
  return [...doc.querySelectorAll("[typeof=example]")].map((example) => ({
    name: example.querySelector("[property=name]").textContent.trim(),
    query: example.querySelector("[property=query]").textContent.trim(),
  }));
}

// UWS jobs

export async function submitJob(query, maxrec) {
  const body = new URLSearchParams({
    LANG: "ADQL",
    QUERY: query,
    RESPONSEFORMAT: "json",
    PHASE: "RUN",
  });
  if (maxrec) body.set("MAXREC", maxrec);
  const response = await fetch("api/tap/async", { method: "POST", body });
  if (!response.ok) throw await refusal(response);
  return response.url;
}

function uwsText(element, name) {
  const found = element.getElementsByTagNameNS(UWS, name)[0];
  return found ? found.textContent.trim() : "";
}

export async function listJobs() {
  const response = await fetch("api/tap/async");
  if (!response.ok) throw await refusal(response);
  const doc = xml(await response.text());
  return [...doc.getElementsByTagNameNS(UWS, "jobref")].map((ref) => ({
    id: ref.getAttribute("id"),
    url: ref.getAttributeNS("http://www.w3.org/1999/xlink", "href"),
    phase: uwsText(ref, "phase"),
    created: uwsText(ref, "creationTime"),
  }));
}

export async function loadJob(url) {
  const response = await fetch(url);
  if (!response.ok) throw await refusal(response);
  const doc = xml(await response.text());
  const query = [...doc.getElementsByTagNameNS(UWS, "parameter")].find(
    (p) => p.getAttribute("id").toUpperCase() === "QUERY",
  );
  return {
    phase: uwsText(doc, "phase"),
    query: query ? query.textContent : "",
    error: uwsText(doc, "message"),
    results: [...doc.getElementsByTagNameNS(UWS, "result")].map((r) => ({
      id: r.getAttribute("id"),
      url: r.getAttributeNS("http://www.w3.org/1999/xlink", "href"),
    })),
  };
}

export async function abortJob(url) {
  const response = await fetch(`${url}/phase`, {
    method: "POST",
    body: new URLSearchParams({ PHASE: "ABORT" }),
  });
  if (!response.ok) throw await refusal(response);
}

export async function deleteJob(url) {
  const response = await fetch(url, { method: "DELETE" });
  if (!response.ok && response.status !== 303) throw await refusal(response);
}

// DataLink

export async function loadLinks(url) {
  const response = await fetch(url);
  if (!response.ok) throw await refusal(response);
  const doc = xml(await response.text());
  const results = [...doc.getElementsByTagName("RESOURCE")].find(
    (r) => r.getAttribute("type") === "results",
  );
  const names = [...results.getElementsByTagName("FIELD")].map((f) => f.getAttribute("name"));
  const links = [...results.getElementsByTagName("TR")].map((tr) => {
    const cells = [...tr.getElementsByTagName("TD")].map((td) => td.textContent);
    return Object.fromEntries(names.map((name, i) => [name, cells[i] || ""]));
  });
  const services = {};
  for (const resource of doc.getElementsByTagName("RESOURCE")) {
    if (resource.getAttribute("utype") !== "adhoc:service") continue;
    const params = Object.fromEntries(
      [...resource.getElementsByTagName("PARAM")].map((p) => [
        p.getAttribute("name"),
        p.getAttribute("value"),
      ]),
    );
    services[resource.getAttribute("ID")] = params;
  }
  return { links, services };
}
