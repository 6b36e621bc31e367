/* A legal instrument: what it is (status, scope, challenge routes, secrecy, rules as data) and what it reaches. */
"use strict";

(function () {
  const L = window.longarm;
  const { h } = L;

  function rule(r) {
    const params = Object.entries(r).filter(([k]) => !["kind", "caveats", "sources"].includes(k));
    return h(
      "li",
      {},
      h("strong", {}, r.kind),
      params.length ? [": ", L.joined(params.map(([k, v]) => `${L.human(k).toLowerCase()} ${Array.isArray(v) ? v.join(", ") : v}`), "; ")] : null,
      L.details(
        `Sources and caveats`,
        L.list(r.caveats || [], "caveats"),
        r.sources && r.sources.length ? L.sources(r.sources) : null
      )
    );
  }

  async function details(iri, asOf) {
    const content = L.byId("content");
    const d = await L.api(`/api/v1/instruments/${encodeURIComponent(iri)}?as_of=${asOf}`);
    const i = d.instrument || {};
    L.byId("title").textContent = d.label;
    document.title = `${d.label} — longarm`;
    const links = Object.entries(d.links || {}).filter(([, refs]) => refs.length);
    L.add(
      L.clear(content),
      h(
        "dl",
        { class: "facts" },
        [
          ["Citation", d.citation],
          ["Status", i.status ? `${i.status} on ${L.longDate(asOf)}` : null],
          ["In force", i.in_force_from ? `from ${i.in_force_from}${i.in_force_until ? ` until ${i.in_force_until}` : ""}` : null],
          ["Residual effect until", i.residual_until],
          ["Kind", (i.kinds || []).join(", ")],
          ["Can compel", (i.compels || []).join(", ")],
          ["Gag orders", i.has_gag === true ? "yes: the provider may be forbidden to tell the customer" : i.has_gag === false ? "none recorded" : null],
          ["Also known as", (d.aliases || []).join("; ")],
          ...links.map(([k, refs]) => [L.human(k), L.joined(refs.map((r) => L.entityLink(r)))]),
          ["Confidence", d.confidence],
          ["IRI", [h("code", {}, d.iri), " — ", h("a", { href: `/id/instrument/${L.pageRef()[1]}` }, "linked data")]],
        ]
          .filter(([, v]) => v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length))
          .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])
      )
    );
    L.add(
      L.clear(L.byId("more")),
      i.challenge_routes && i.challenge_routes.length ? L.section("Challenge routes", L.list(i.challenge_routes)) : null,
      i.secrecy && i.secrecy.length ? L.section("Secrecy", L.list(i.secrecy)) : null,
      i.rules && i.rules.length
        ? L.section("Reach rules, as data", h("p", {}, "What the instrument needs to reach an entity and its data, as the engine reads it."), h("ul", {}, i.rules.map(rule)))
        : null,
      d.caveats.length ? L.section("Caveats", L.list(d.caveats, "caveats")) : null,
      L.section("Sources", L.sources(d.sources)),
      L.section("Download", h("p", {}, "This instrument's neighbourhood in the graph:"), L.downloads(iri, false))
    );
  }

  document.addEventListener("DOMContentLoaded", () => {
    const [, slug] = L.pageRef();
    const iri = L.iriOf("instrument", slug);
    const ref = encodeURIComponent(iri);
    const reach = L.byId("reach");
    const reachStatus = L.byId("reach-status");
    L.dateControls(L.byId("controls"), async (state) => {
      const { as_of, mode } = state;
      reachStatus.textContent = `Working out what it reaches on ${L.longDate(as_of)} (${mode} mode)…`;
      details(iri, as_of).catch((e) => {
        L.byId("title").textContent = slug;
        L.clear(L.byId("content")).append(L.errorBox(e));
      });
      try {
        const r = await L.api(`/api/v1/instruments/${ref}/reach?as_of=${as_of}&mode=${mode}`);
        if (!state.current()) return;
        L.renderReach(reach, r);
        reachStatus.textContent = `Reach on ${L.longDate(r.as_of)} (${r.mode} mode): ${L.plural(r.reach.length, "row")}.`;
      } catch (e) {
        reachStatus.textContent = "";
        L.clear(reach).append(L.errorBox(e));
      }
    });
  });
})();
