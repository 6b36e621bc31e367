/* An entity's page: facts with their sources; for an organization its ownership chart and tables.
 *
 * Organizations, services and jurisdictions come from GET /api/v1/entities/{iri}; the other
 * kinds (authorities, sources, certifications, regions, contracts, interests …) from a
 * SPARQL query on the node's statements, in both directions.
 */
"use strict";

(function () {
  const L = window.longarm;
  const { h } = L;
  const API_KINDS = ["org", "service", "jur"];

  function header(kind, label) {
    L.byId("kind").textContent = L.KINDS[kind] || kind;
    L.byId("title").textContent = label;
    document.title = `${label} — longarm`;
  }

  function facts(pairs) {
    const rows = pairs.filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length));
    if (!rows.length) return null;
    return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  }

  function validity(from, until) {
    if (!from && !until) return null;
    return `${from || "…"} to ${until || "today"}`;
  }

  function linkedData(kind, slug, iri) {
    return [
      h("code", {}, iri),
      " — ",
      h("a", { href: `/id/${kind}/${slug}`, title: "HTML for browsers, Turtle or JSON-LD for RDF clients" }, "linked data"),
    ];
  }

  /* ---- organizations, services, jurisdictions: the REST API ---- */

  async function fromApi(kind, slug, iri, content) {
    const asOf = L.isDate(L.params().get("as_of")) ? L.params().get("as_of") : L.today();
    const d = await L.api(`/api/v1/entities/${encodeURIComponent(iri)}?as_of=${asOf}`);
    header(kind, d.label);
    const jurisdictions = Object.entries(d.jurisdictions || {}).map(([k, refs]) => [
      L.human(k),
      L.joined(refs.map((r) => L.entityLink(r))),
    ]);
    const identifiers = Object.entries(d.identifiers || {}).map(([k, v]) => `${L.human(k)}: ${v}`);
    L.add(content, 
      facts([
        ["Also known as", d.aliases && d.aliases.length ? d.aliases.join("; ") : null],
        ["Identifiers", identifiers.length ? identifiers.join("; ") : null],
        ...jurisdictions,
        ["Valid", validity(d.valid_from, d.valid_until)],
        ["Confidence", d.confidence],
        ["IRI", linkedData(kind, slug, iri)],
      ])
    );
    for (const [key, refs] of Object.entries(d.links || {})) {
      if (!refs.length) continue;
      L.add(content, L.section(L.human(key), h("ul", {}, refs.map((r) => h("li", {}, L.entityLink(r))))));
    }
    if (kind === "service") {
      L.add(content, 
        h(
          "p",
          { class: "note" },
          "Who may be compelled to give access to data hosted on this service? ",
          h("a", { href: `/explore/check?service=${encodeURIComponent(slug)}` }, "Check an asset on this service")
        )
      );
    }
    if (kind === "org") L.add(content, ownership(iri, d.label));
    if (d.caveats && d.caveats.length) L.add(content, L.section("Caveats", L.list(d.caveats, "caveats")));
    L.add(content, L.section("Sources", L.sources(d.sources)));
    try {
      L.add(content, referencedBy((await L.sparql(DESCRIBE(iri))).results.bindings, kind));
    } catch (e) {
      /* the facts above stand without it */
    }
    L.add(content, downloads(iri, kind));
  }

  function downloads(iri, kind) {
    return L.section(
      "Download",
      h(
        "p",
        {},
        `This entity's neighbourhood in the graph, for Gephi, yEd, Graphviz, Cytoscape${kind === "org" ? ", BODS tools (its ownership)" : ""} or any RDF tool:`
      ),
      L.downloads(iri, kind === "org")
    );
  }

  /* ---- ownership: chart and tables at a date ---- */

  function ownership(iri, label) {
    const id = L.uid("own");
    const form = h(
      "form",
      { class: "controls", action: "", method: "get", "aria-describedby": `${id}-hint` },
      h("div", { class: "field" }, h("label", { for: `${id}-date` }, "Ownership on the date"), h("input", { id: `${id}-date`, name: "as_of", type: "date", required: true })),
      h("button", { type: "submit" }, "Update"),
      h("p", { id: `${id}-hint`, class: "hint" }, "The chart and the tables follow the date; the address of the page too.")
    );
    const status = h("p", { class: "status", role: "status" });
    const chartBox = h("div", {});
    const up = h("div", {});
    const down = h("div", {});
    const section = L.section(
      "Ownership",
      h("p", {}, "Owners up to the ultimate parents and holdings down to the subsidiaries, with the effective (look-through) share where the shares are known. Joint control is a form of control without a recorded share."),
      form,
      status,
      chartBox,
      up,
      down
    );
    L.dateControls(form, async (state) => {
      const { as_of } = state;
      status.textContent = `Loading the ownership on ${L.longDate(as_of)}…`;
      const ref = encodeURIComponent(iri);
      L.clear(chartBox).append(L.chart(`Ownership of ${label} on ${L.longDate(as_of)}`, `/api/v1/organizations/${ref}/ownership.svg?as_of=${as_of}`));
      try {
        const [owners, holdings] = await Promise.all([
          L.api(`/api/v1/organizations/${ref}/ownership?direction=up&as_of=${as_of}`),
          L.api(`/api/v1/organizations/${ref}/ownership?direction=down&as_of=${as_of}`),
        ]);
        if (!state.current()) return;
        L.clear(up).append(chainTable(`Owners of ${label} on ${L.longDate(as_of)}, up to the ultimate parents`, owners.links, "No owner is recorded on this date."));
        L.clear(down).append(chainTable(`Holdings of ${label} on ${L.longDate(as_of)}, down to the subsidiaries`, holdings.links, "No holding is recorded on this date."));
        status.textContent = `Ownership on ${L.longDate(as_of)}: ${L.plural(owners.links.length, "owner link")}, ${L.plural(holdings.links.length, "holding link")}.`;
      } catch (e) {
        status.textContent = "";
        L.clear(up).append(L.errorBox(e));
        L.clear(down);
      }
    });
    return section;
  }

  function share(x, min, max) {
    if (x !== null && x !== undefined) return L.pct(x);
    if (min !== null || max !== null) return `${min === null ? "?" : L.pct(min)} – ${max === null ? "?" : L.pct(max)}`;
    return null;
  }

  function chainTable(caption, links, empty) {
    if (!links.length) return h("p", { class: "muted" }, empty);
    return L.table(
      caption,
      [
        { label: "Owner" },
        { label: "Owned" },
        { label: "Depth", num: true },
        { label: "Interest" },
        { label: "Capital", num: true },
        { label: "Votes", num: true },
        { label: "Effective", num: true },
        { label: "Valid" },
        { label: "Confidence" },
        { label: "Sources and caveats" },
      ],
      links.map((l) => [
        L.entityLink(l.owner),
        L.entityLink(l.owned),
        String(l.depth),
        l.kind,
        share(l.share_of_capital, l.bounds.capital_min, l.bounds.capital_max),
        share(l.share_of_votes, l.bounds.votes_min, l.bounds.votes_max),
        L.pct(l.effective),
        validity(l.from_text || l.valid_from, l.until_text || l.valid_until) || h("span", { class: "muted" }, "dates not recorded"),
        l.confidence,
        L.details(
          `${L.plural(l.sources.length, "source")}${l.caveats.length ? `, ${L.plural(l.caveats.length, "caveat")}` : ""}`,
          L.list(l.caveats, "caveats"),
          L.sources(l.sources)
        ),
      ])
    );
  }

  /* ---- any other kind: the node's statements, by SPARQL ---- */

  const DESCRIBE = (iri) => `SELECT ?dir ?role ?p ?pl ?o ?ol WHERE {
  { <${iri}> ?p ?o . BIND("out" AS ?dir) } UNION { ?o ?p <${iri}> . BIND("in" AS ?dir) }
  BIND(IF(?p = rdfs:label, "label", IF(?p = dcterms:source, "source", IF(?p = lx:caveat, "caveat",
       IF(?p = skos:altLabel, "alias", IF(?p = rdf:type, "type", "fact"))))) AS ?role)
  OPTIONAL { ?p rdfs:label ?pl FILTER(lang(?pl) = "" || langMatches(lang(?pl), "en")) }
  OPTIONAL { ?o rdfs:label ?ol FILTER(lang(?ol) = "" || langMatches(lang(?ol), "en")) }
} LIMIT 1000`;

  L.sparql = async function (query) {
    return L.api("/sparql", {
      method: "POST",
      headers: { Accept: "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query }),
    });
  };

  function compactIri(iri) {
    const cut = Math.max(iri.lastIndexOf("#"), iri.lastIndexOf("/"));
    return cut >= 0 ? iri.slice(cut + 1) : iri;
  }

  function term(t, label) {
    if (t.type === "uri") {
      const path = L.explorePath(t.value);
      if (path) return h("a", { href: path }, label || compactIri(t.value));
      const url = L.safeUrl(t.value);
      if (label) return h("span", { title: t.value }, label);
      return url && !t.value.includes("#") ? L.externalLink(url, t.value) : h("code", {}, compactIri(t.value));
    }
    if (t.type === "bnode") return h("span", { class: "muted" }, "a structured value (see the linked data)");
    return h("span", { lang: t["xml:lang"] || null }, t.value);
  }

  /** Statements grouped by property label: [[label, [value nodes]]], sorted. */
  function grouped(rows, dir) {
    const m = new Map();
    for (const b of rows.filter((r) => r.dir.value === dir && (dir === "in" || r.role.value === "fact"))) {
      if (b.o.type === "bnode" && dir === "in") continue;
      const key = b.pl ? b.pl.value : compactIri(b.p.value);
      if (!m.has(key)) m.set(key, []);
      m.get(key).push(term(b.o, b.ol && b.ol.value));
    }
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }

  /** What points at this node: "X — wielded by — this authority", long groups folded. */
  function referencedBy(rows, kind) {
    const groups = grouped(rows, "in");
    if (!groups.length) return null;
    const self = `this ${(L.KINDS[kind] || kind).toLowerCase()}`;
    const items = (key, nodes) => h("ul", {}, nodes.map((n) => h("li", {}, n, ` — ${key} — ${self}`)));
    return L.section(
      "Referenced by",
      groups.map(([key, nodes]) =>
        nodes.length > 8
          ? L.details(`${L.plural(nodes.length, "node")}: … — ${key} — ${self}`, items(key, nodes))
          : items(key, nodes)
      )
    );
  }

  async function fromSparql(kind, slug, iri, content) {
    const res = await L.sparql(DESCRIBE(iri));
    const rows = res.results.bindings;
    if (!rows.length) throw new L.ApiError(404, `Nothing is recorded about ${iri}.`);
    const label = (rows.find((b) => b.dir.value === "out" && b.role.value === "label") || {}).o;
    header(kind, label ? label.value : slug);
    const group = (dir) => grouped(rows, dir);
    const pick = (role) => rows.filter((b) => b.dir.value === "out" && b.role.value === role);
    const aliases = pick("alias").map((b) => b.o.value);
    L.add(content, 
      facts([
        ["Also known as", aliases.length ? aliases.join("; ") : null],
        ...group("out").map(([k, vs]) => [L.human(k), vs.length > 1 ? h("ul", {}, vs.map((v) => h("li", {}, v))) : vs]),
        ["IRI", linkedData(kind, slug, iri)],
      ])
    );
    L.add(content, referencedBy(rows, kind));
    const caveats = pick("caveat").map((b) => b.o.value);
    if (caveats.length) L.add(content, L.section("Caveats", L.list(caveats, "caveats")));
    const sources = pick("source").map((b) => ({ id: b.o.value, label: b.ol ? b.ol.value : b.o.value }));
    if (kind !== "source") L.add(content, L.section("Sources", L.sources(sources)));
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const [kind, slug] = L.pageRef();
    const iri = L.iriOf(kind, slug);
    const content = L.byId("content");
    const status = L.byId("status");
    L.byId("kind").textContent = L.KINDS[kind] || kind;
    status.textContent = "Loading…";
    try {
      if (API_KINDS.includes(kind)) await fromApi(kind, slug, iri, content);
      else await fromSparql(kind, slug, iri, content);
      status.textContent = "";
    } catch (e) {
      L.byId("title").textContent = slug;
      status.textContent = "";
      L.add(content, L.errorBox(e));
    }
  });
})();
