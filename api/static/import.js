/* Import a register or ownership data (POST /api/v1/imports, write token), then the report over its assets
 * (GET /api/v1/imports/{id}/report): one row per asset, and a link to the offline HTML report. */
"use strict";

(function () {
  const L = window.longarm;

  function summary(made) {
    const counts = Object.entries(made.counts).map(([k, v]) => `${v} ${k}`).join(", ");
    const box = L.h("section", { "aria-labelledby": "summary-title" });
    box.append(
      L.h("h2", { id: "summary-title" }, `Import ${made.id}: ${made.status}`),
      L.h("p", {}, `${counts}; ${made.merged} merged with entities already known; ${made.triples} triples.`)
    );
    for (const [title, items] of [
      ["Records not imported", made.problems.map((p) => `${p.where}: ${p.reason}`)],
      ["Disagreements with other sources, kept side by side", made.conflicts],
    ]) {
      if (items.length) box.append(L.h("h3", {}, title), L.h("ul", {}, items.map((t) => L.h("li", {}, t))));
    }
    return box;
  }

  function table(report, id, asOf) {
    const box = L.h("section", { "aria-labelledby": "report-title" });
    const t = report.totals;
    box.append(
      L.h("h2", { id: "report-title" }, "Who can compel access, asset by asset"),
      L.h("p", {}, `${t.assets} assets: ${t.exposed || 0} exposed, ${t.none_found || 0} with none found, ${t.incomplete || 0} incomplete (facts missing).`),
      L.h("p", {}, L.h("a", { href: `/api/v1/imports/${id}/report?format=html&as_of=${asOf}` }, "The whole report (HTML, with exposure maps)"))
    );
    const head = L.h("tr", {}, ["asset", "verdict", "instruments", "may be compelled", "gaps"].map((c) => L.h("th", { scope: "col" }, c)));
    const rows = report.assets.map((a) =>
      L.h("tr", { class: "register-row" }, [
        L.h("th", { scope: "row" }, a.label),
        L.h("td", {}, a.verdict),
        L.h("td", {}, Object.entries(a.instruments_by_tier).map(([tier, names]) => `${tier}: ${names.join(", ")}`).join("; ")),
        L.h("td", {}, a.compellable_entities.join(", ")),
        L.h("td", {}, String(a.gaps.length)),
      ])
    );
    box.append(L.h("table", { class: "register" }, [L.h("thead", {}, head), L.h("tbody", {}, rows)]));
    return box;
  }

  async function run(form) {
    const status = L.byId("status");
    const content = L.byId("content");
    const file = form.elements.file.files[0];
    const asOf = form.elements.as_of.value;
    const query = new URLSearchParams({ format: form.elements.format.value, name: file.name });
    if (form.elements.skip_bad.checked) query.set("skip_bad", "true");
    status.textContent = `Importing ${file.name}…`;
    content.setAttribute("aria-busy", "true");
    L.clear(content);
    try {
      const made = await L.api(`/api/v1/imports?${query}`, {
        method: "POST",
        body: file,
        headers: { Accept: "application/json", Authorization: `Bearer ${form.elements.token.value}` },
      });
      content.append(summary(made));
      status.textContent = `Imported ${file.name}; answering for its assets…`;
      const report = await L.api(`/api/v1/imports/${made.id}/report?format=json&as_of=${asOf}`);
      if (report.assets.length) content.append(table(report, made.id, asOf));
      status.textContent = `Import ${made.id}: ${L.plural(report.assets.length, "asset")} answered on ${L.longDate(asOf)}.`;
    } catch (e) {
      status.textContent = "";
      content.append(L.errorBox(e));
    } finally {
      content.removeAttribute("aria-busy");
    }
  }

  const form = L.byId("import");
  form.elements.as_of.value = new Date().toISOString().slice(0, 10);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form);
  });
})();
