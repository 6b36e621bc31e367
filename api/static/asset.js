/* A stored data asset: who can compel access to it, on a date, in a mode (both kept in the URL). */
"use strict";

(function () {
  const L = window.longarm;
  const { h } = L;

  async function about(iri) {
    const box = L.byId("about");
    try {
      const d = await L.api(`/api/v1/entities/${encodeURIComponent(iri)}`);
      const rows = Object.entries(d.links || {}).filter(([, refs]) => refs.length);
      L.add(
        box,
        rows.length
          ? h("dl", { class: "facts" }, rows.map(([k, refs]) => [h("dt", {}, L.human(k)), h("dd", {}, L.joined(refs.map((r) => L.entityLink(r))))]))
          : null,
        L.details(`Sources of this asset (${d.sources.length})`, L.sources(d.sources)),
        L.details("Download this asset's neighbourhood in the graph", L.downloads(iri, false))
      );
    } catch (e) {
      L.add(box, L.errorBox(e));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const [, slug] = L.pageRef();
    const iri = L.iriOf("asset", slug);
    const ref = encodeURIComponent(iri);
    const status = L.byId("status");
    const content = L.byId("content");
    about(iri);
    L.dateControls(L.byId("controls"), async (state) => {
      const { as_of, mode } = state;
      status.textContent = `Working out who may be compelled on ${L.longDate(as_of)} (${mode} mode)…`;
      content.setAttribute("aria-busy", "true");
      try {
        const a = await L.api(`/api/v1/assets/${ref}/exposures?as_of=${as_of}&mode=${mode}`);
        if (!state.current()) return;
        L.byId("title").textContent = a.asset.label;
        document.title = `Who can compel access: ${a.asset.label} — longarm`;
        L.renderAnswer(content, a, `/api/v1/assets/${ref}/exposures.svg?as_of=${as_of}&mode=${mode}`);
        status.textContent = `Answer for ${L.longDate(a.as_of)} (${a.mode} mode): ${L.plural(a.exposures.length, "exposure")}.`;
      } catch (e) {
        status.textContent = "";
        L.clear(content).append(L.errorBox(e));
      } finally {
        content.removeAttribute("aria-busy");
      }
    });
  });
})();
