/* The home page (search results for ?q=, the instruments) and the "not found" page (close names). */
"use strict";

(function () {
  const L = window.longarm;
  const { h } = L;

  function hitItem(hit) {
    const path = L.explorePath(hit.iri);
    const matched = hit.matched && hit.matched.toLowerCase() !== (hit.label || "").toLowerCase();
    return h(
      "li",
      {},
      path ? h("a", { href: path }, hit.label) : hit.label,
      " ",
      h("span", { class: "sug-kind" }, L.KINDS[hit.kind] || hit.kind),
      (hit.jurisdiction || []).map((j) => h("span", { class: "badge" }, j)),
      matched ? h("span", { class: "muted" }, ` — matched “${hit.matched}”`) : null
    );
  }

  async function results(q) {
    const section = L.byId("results");
    const status = L.byId("results-status");
    const list = L.clear(L.byId("results-list"));
    section.hidden = false;
    L.byId("q").value = q;
    status.textContent = "Searching…";
    try {
      const page = await L.api(`/api/v1/entities?${new URLSearchParams({ q, limit: "50" })}`);
      status.textContent = page.total
        ? `${L.plural(page.total, "entity", "entities")} ${page.total === 1 ? "matches" : "match"} “${q}”${page.total > page.items.length ? ` (the first ${page.items.length} shown)` : ""}. Tab to a result and press Enter to open it.`
        : `Nothing matches “${q}”. Try another name, an alias, an LEI or a Wikidata Q-id.`;
      page.items.forEach((hit) => list.append(hitItem(hit)));
    } catch (e) {
      status.textContent = "";
      list.append(h("li", {}, L.errorBox(e)));
    }
  }

  async function instruments() {
    const box = L.byId("instruments");
    try {
      const all = await L.api(`/api/v1/instruments?as_of=${L.today()}`);
      L.clear(box).append(
        L.table(
          `${L.plural(all.length, "legal instrument")} and their status today (${L.longDate(L.today())})`,
          [{ label: "Instrument" }, { label: "Status" }, { label: "Kind" }, { label: "Enacted by" }],
          all.map((i) => [
            L.entityLink(i),
            i.status,
            i.kinds.join(", "),
            i.enacted_by ? L.entityLink(i.enacted_by) : null,
          ])
        )
      );
    } catch (e) {
      L.clear(box).append(L.errorBox(e));
    }
  }

  /** On the "not found" page: close names from the resolver, then from the search. */
  async function didYouMean() {
    const [, slug] = L.pageRef();
    const text = (slug || location.pathname.split("/").filter(Boolean).pop() || "").trim();
    if (!text) return;
    const list = L.byId("suggest-list");
    const seen = new Set();
    const add = (hit) => {
      if (seen.has(hit.iri) || !L.explorePath(hit.iri)) return;
      seen.add(hit.iri);
      list.append(hitItem(hit));
    };
    try {
      const d = await L.api(`/api/v1/entities/${encodeURIComponent(text)}`);
      add(Object.assign({ kind: d.kind }, d));
    } catch (e) {
      const more = (e.detail && (e.detail.suggestions || e.detail.candidates)) || [];
      more.forEach((s) => add({ iri: s.id, label: s.label, kind: L.kindOf(s.id) }));
    }
    try {
      const page = await L.api(`/api/v1/entities?${new URLSearchParams({ q: text.replace(/[-_.]+/g, " "), limit: "8" })}`);
      page.items.forEach(add);
    } catch (e) {
      /* no more */
    }
    if (seen.size) L.byId("suggest").hidden = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (document.body.dataset.page === "notfound") {
      didYouMean();
      return;
    }
    const q = (L.params().get("q") || "").trim();
    if (q) {
      document.title = `${q} — search — longarm`;
      results(q);
    }
    instruments();
  });
})();
