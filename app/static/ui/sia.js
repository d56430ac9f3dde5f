// The image search form: SIA 2.0 parameters from a position (circle or polygon), bands,
// a time range, calibration levels and an exposure time range.

function mjd(text) {
  // MJD from a number, or from a date/time (ISO 8601, UTC).
  const value = text.trim();
  if (!value) return null;
  if (!Number.isNaN(Number(value))) return Number(value);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new Error(`Not a date or an MJD: ${value}`);
  return ms / 86400000 + 40587;
}

export function siaParameters(form, bands) {
  // The form's search as a list of [name, value] pairs (repeatable names repeated).
  const params = [];
  const get = (name) => form.elements[name].value.trim();
  const polygon = get("polygon");
  if (polygon) {
    params.push(["POS", `POLYGON ${polygon.replace(/[,\s]+/g, " ")}`]);
  } else if (get("ra") && get("dec")) {
    params.push(["POS", `CIRCLE ${get("ra")} ${get("dec")} ${get("radius") || "0.1"}`]);
  }
  for (const box of form.querySelectorAll("input[name=band]:checked")) {
    const [low, high] = bands[box.value];
    params.push(["BAND", `${low} ${high}`]);
  }
  const start = mjd(get("time_start"));
  const end = mjd(get("time_end"));
  if (start !== null || end !== null) {
    params.push(["TIME", `${start ?? "-Inf"} ${end ?? "+Inf"}`]);
  }
  for (const box of form.querySelectorAll("input[name=calib]:checked")) {
    params.push(["CALIB", box.value]);
  }
  if (get("dptype")) params.push(["DPTYPE", get("dptype")]);
  if (get("exptime_min") || get("exptime_max")) {
    params.push(["EXPTIME", `${get("exptime_min") || "-Inf"} ${get("exptime_max") || "+Inf"}`]);
  }
  if (get("maxrec")) params.push(["MAXREC", get("maxrec")]);
  return params;
}
