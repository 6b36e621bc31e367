/* Offers side by side (GET /api/v1/comparison): requirements met and who can compel, per instrument.
 * A sortable table; each cell links to its explanation (the assessment, or what the instrument reaches). */
"use strict";

(function () {
  const L = window.longarm;
  const RANK = { fail: 0, unknown: 1, pass: 2, established: 0, likely: 1, contested: 2, residual: 3, "": 4 };

  function cell(value, href, title, text) {
    const td = L.h("td", { "data-value": text || value, class: value ? `cell-${value}` : "" });
    if (value) td.append(L.h("a", { href: L.safeUrl(href), title: title || "" }, text || value));
    else td.append("—");
    return td;
  }

  function build(table) {
    const columns = [
      { title: "offer", key: (r) => r.offer.label },
      { title: "provider", key: (r) => r.providers.map((p) => p.label).join(", ") },
      ...table.requirements.map((q) => ({ title: q.id, label: q.label, requirement: q.id })),
      ...table.instruments.map((name) => ({ title: name, instrument: name })),
    ];
    const head = L.h("tr", {}, columns.map((c, i) =>
      L.h("th", { scope: "col", title: c.label || c.title },
        L.h("button", { type: "button", class: "sort", "data-column": String(i) },
          c.title + (c.requirement && table.requirements[i - 2].applies_to === "data" ? " (data)" : "")))));
    const rows = table.rows.map((r) => {
      const tr = L.h("tr", { class: "compare-row" });
      tr.append(L.h("th", { scope: "row" }, L.entityLink(r.offer)), L.h("td", {}, r.providers.map((p) => p.label).join(", ")));
      for (const c of columns.slice(2)) {
        if (c.requirement) {
          const q = r.requirements[c.requirement];
          // a requirement graded in levels shows the level reached (SEAL-2, or a range)
          tr.append(cell(q.status, q.explanation, `the assessment under ${c.requirement}`, q.level));
        } else {
          const x = r.instruments[c.instrument];
          tr.append(x ? cell(x.tier, x.explanation, `${x.entity} may be compelled`) : cell("", "", ""));
        }
      }
      return tr;
    });
    const body = L.h("tbody", {}, rows);
    const t = L.h("table", { class: "compare" }, L.h("thead", {}, head), body);
    let sorted = -1;
    head.addEventListener("click", (ev) => {
      const button = ev.target.closest("button.sort");
      if (!button) return;
      const i = Number(button.dataset.column);
      const down = sorted === i ? -1 : 1;
      sorted = sorted === i ? -1 : i;
      const key = (tr) => {
        const c = tr.children[i];
        const v = c.dataset.value !== undefined ? c.dataset.value : c.textContent;
        return v in RANK ? String(RANK[v]) : v.toLowerCase();
      };
      const ordered = [...body.children].sort((a, b) => down * key(a).localeCompare(key(b)));
      L.append(body, ordered);
      for (const th of head.querySelectorAll("th")) th.removeAttribute("aria-sort");
      button.parentElement.setAttribute("aria-sort", down === 1 ? "ascending" : "descending");
    });
    return t;
  }

  async function run(asOf, method) {
    const status = L.byId("status");
    const content = L.byId("content");
    status.textContent = "Comparing…";
    L.clear(content);
    try {
      const table = await L.api(`/api/v1/comparison?as_of=${encodeURIComponent(asOf)}&method=${encodeURIComponent(method)}`);
      status.textContent = `${L.plural(table.rows.length, "offer")} compared on ${L.longDate(table.as_of)}.`;
      content.append(
        build(table),
        L.h("p", {}, L.h("a", { href: `/api/v1/comparison?as_of=${encodeURIComponent(asOf)}&method=${encodeURIComponent(method)}&format=csv` }, "The same table as CSV"))
      );
    } catch (err) {
      status.textContent = "";
      content.append(L.errorBox(err));
    }
  }

  const form = L.byId("compare");
  const params = L.params();
  L.byId("as_of").value = L.isDate(params.get("as_of")) ? params.get("as_of") : L.today();
  if (params.get("method")) L.byId("method").value = params.get("method");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(L.byId("as_of").value, L.byId("method").value);
  });
  run(L.byId("as_of").value, L.byId("method").value);
})();
