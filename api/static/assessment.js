/* One assessment (GET /api/v1/assessments/{ref}): each criterion with its outcome, reasons, warnings, facts and sources. */
"use strict";

(function () {
  const L = window.longarm;

  function criterion(c) {
    const box = L.h("section", { class: `criterion criterion-${c.status}`, "data-clause": c.clause || "" });
    box.append(
      L.h("h3", {}, `${c.clause || ""} ${c.label}`),
      c.required_for ? L.h("p", { class: "muted" }, `Required for ${c.required_for} and the levels above it.`) : "",
      L.h("p", { class: "outcome" }, L.h("strong", { class: `cell-${c.status}` }, c.status), ` (${c.kind})`),
      L.h("ul", { class: "reasons" }, c.reasons.map((r) => L.h("li", {}, r)))
    );
    if (c.warnings.length) box.append(L.h("ul", { class: "warnings" }, c.warnings.map((w) => L.h("li", {}, `Near a threshold: ${w}`))));
    if (c.facts.length) {
      box.append(L.h("h4", {}, "Facts behind it"), L.h("ul", { class: "facts" }, c.facts.map((f) =>
        L.h("li", {}, L.entityLink({ iri: f.iri, label: f.label }), L.sources(f.source)))));
    }
    if (c.caveats.length) box.append(L.h("ul", { class: "caveats" }, c.caveats.map((x) => L.h("li", {}, x))));
    box.append(L.h("details", {}, L.h("summary", {}, "The criterion's sources"), L.sources(c.source)));
    return box;
  }

  function assessment(a) {
    const req = a.requirement;
    const box = L.h("section", { class: "assessment", "aria-label": `${a.subject.label} under ${req.label}` });
    box.append(
      L.h("h2", {}, L.entityLink(a.subject), ` under ${req.label}: `,
        L.h("strong", { class: `cell-${a.status}` }, a.level ? a.level.words : a.status)),
      L.h("p", { class: "muted" }, `${req.citation || ""}; in force from ${req.in_force_from || "a date not on record"}; on ${L.longDate(a.as_of)}; ` +
        (a.method === "strict" || a.method === "practical" ? `who can compel answered in ${a.method} mode.` : `indirect holdings by the ${a.method} method.`))
    );
    if (a.level) {
      const words = { pass: "reached", fail: "ruled out", unknown: "cannot be told from the facts on record" };
      box.append(L.h("h3", {}, "Levels"), L.h("ul", { class: "levels" }, a.level.levels.map((x) =>
        L.h("li", { "data-level": x.label },
          L.h("strong", { class: `cell-${x.status}` }, `${x.label}: ${words[x.status]}`),
          x.definition ? ` — ${x.definition}` : "",
          x.status === "fail" && x.failed.length ? ` Ruled out by: ${x.failed.join("; ")}.` : "",
          x.status === "unknown" && x.unknown.length ? ` Left open by: ${x.unknown.join("; ")}.` : ""))));
    }
    if (a.caveats.length || req.caveats.length) box.append(L.h("ul", { class: "caveats" }, [...a.caveats, ...req.caveats].map((x) => L.h("li", {}, x))));
    box.append(...a.criteria.map(criterion));
    if (a.qualifications.length) {
      box.append(L.h("h3", {}, "Qualifications on record"), L.h("ul", {}, a.qualifications.map((q) =>
        L.h("li", {}, `${q.label}: ${q.status || "status not recorded"}; ${q.holds_on_date ? "holds" : "does not hold"} on ${L.longDate(a.as_of)}`))));
    }
    box.append(L.h("details", {}, L.h("summary", {}, "The requirement's sources"), L.sources(req.source)));
    return box;
  }

  async function run() {
    const status = L.byId("status");
    const content = L.byId("content");
    const ref = L.byId("ref").value.trim();
    const query = new URLSearchParams({ as_of: L.byId("as_of").value, method: L.byId("method").value });
    const requirement = L.byId("requirement").value.trim();
    if (requirement) query.set("requirement", requirement);
    status.textContent = "Assessing…";
    L.clear(content);
    try {
      const body = await L.api(`/api/v1/assessments/${encodeURIComponent(ref)}?${query}`);
      status.textContent = `${L.plural(body.assessments.length, "assessment")} on ${L.longDate(L.byId("as_of").value)}.`;
      content.append(...body.assessments.map(assessment));
    } catch (err) {
      status.textContent = "";
      content.append(L.errorBox(err));
    }
  }

  const params = L.params();
  L.byId("ref").value = params.get("ref") || "";
  L.byId("requirement").value = params.get("requirement") || "";
  L.byId("as_of").value = L.isDate(params.get("as_of")) ? params.get("as_of") : L.today();
  if (params.get("method")) L.byId("method").value = params.get("method");
  L.byId("assess").addEventListener("submit", (ev) => {
    ev.preventDefault();
    run();
  });
  if (L.byId("ref").value) run();
})();
