// The async job list: each job's phase, refreshed while any job is still running, with
// its results to open, and abort and delete.

import { abortJob, deleteJob, listJobs, loadJob } from "./vo.js";

const ACTIVE = new Set(["PENDING", "QUEUED", "EXECUTING"]);

function button(text, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", action);
  return b;
}

export class JobList {
  constructor(root, { onResult, onError }) {
    this.body = root.querySelector("tbody");
    this.note = root.querySelector(".note");
    this.onResult = onResult;
    this.onError = onError;
    this.timer = null;
    this.details = new Map(); // a job's document by URL and phase: it changes with its phase
  }

  detail(job) {
    const key = `${job.url} ${job.phase}`;
    if (!this.details.has(key)) {
      const failed = () => {
        this.details.delete(key); // asked again at the next refresh
        return null;
      };
      this.details.set(key, loadJob(job.url).catch(failed));
    }
    return this.details.get(key);
  }

  async refresh() {
    clearTimeout(this.timer);
    let jobs;
    try {
      jobs = await listJobs();
    } catch (error) {
      this.onError(error);
      return;
    }
    jobs.sort((a, b) => b.created.localeCompare(a.created));
    const details = await Promise.all(jobs.map((job) => this.detail(job)));
    this.body.replaceChildren(
      ...jobs.map((job, i) => this.row(job, details[i])),
    );
    this.note.textContent = jobs.length ? "" : "No jobs yet: run a query with “Run async”.";
    if (jobs.some((job) => ACTIVE.has(job.phase))) {
      this.timer = setTimeout(() => this.refresh(), 1000);
    }
  }

  row(job, detail) {
    const tr = document.createElement("tr");
    tr.dataset.job = job.id;
    const cells = [job.id, job.phase, job.created.replace("T", " ").replace("Z", "")];
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    tr.children[1].className = `phase ${job.phase.toLowerCase()}`;
    const query = document.createElement("td");
    query.className = "query";
    query.textContent = detail ? detail.query : "";
    query.title = query.textContent;
    if (detail && detail.error) query.textContent += ` — ${detail.error}`;
    tr.append(query);
    const actions = document.createElement("td");
    if (detail && job.phase === "COMPLETED" && detail.results.length) {
      actions.append(button("Show results", () => this.onResult(detail.results[0].url, detail.query)));
      const link = document.createElement("a");
      link.href = detail.results[0].url;
      link.textContent = "download";
      actions.append(" ", link, " ");
    }
    if (ACTIVE.has(job.phase)) {
      actions.append(button("Abort", () => abortJob(job.url).then(() => this.refresh(), this.onError)));
    }
    actions.append(button("Delete", () => deleteJob(job.url).then(() => this.refresh(), this.onError)));
    tr.append(actions);
    return tr;
  }
}
