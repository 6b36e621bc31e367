/* "Who can compel access": an answer of the reach engine (GET /assets/{ref}/exposures, POST /exposures),
 * and the reach of an instrument (GET /instruments/{ref}/reach), as tables, sentences and paths. */
"use strict";

(function () {
  const L = window.longarm;
  const { h } = L;

  function instrumentCell(e) {
    return [
      L.entityLink(e.instrument),
      h("br"),
      h("span", { class: "muted" }, e.status),
    ];
  }

  function compellable(e) {
    const through =
      e.custodian && e.custodian.iri !== e.compellable_entity.iri
        ? [h("br"), h("span", { class: "muted" }, "holding the data: "), L.entityLink(e.custodian)]
        : null;
    return [L.entityLink(e.compellable_entity), through];
  }

  function conflicts(e) {
    return e.conflicts.length ? L.list(e.conflicts.map((c) => L.entityLink(c.instrument))) : null;
  }

  const COLUMNS = [
    { label: "Instrument" },
    { label: "Authority" },
    { label: "May be compelled" },
    { label: "Confidence" },
    { label: "Basis" },
    { label: "What" },
    { label: "Mitigations" },
    { label: "Conflicts" },
  ];

  function row(e) {
    return [
      instrumentCell(e),
      e.authority.length ? L.list(e.authority.map((a) => L.entityLink(a))) : null,
      compellable(e),
      L.tier(e.confidence),
      e.basis,
      e.scope.join(", "),
      e.mitigations.length ? L.list(e.mitigations) : "none recorded",
      conflicts(e),
    ];
  }

  L.exposureTable = function (caption, exposures) {
    return L.table(caption, COLUMNS, exposures.map(row), {
      rowClass: (i) => (exposures[i].confidence === "residual" ? "residual" : null),
    });
  };

  /** One exposure: its sentence, then why (the path with sources), caveats, conflicts, routes, secrecy. */
  L.explanation = function (e) {
    return h(
      "li",
      {},
      h("p", {}, L.tier(e.confidence), " ", e.explanation),
      L.details(`Why: the path of facts and their sources (${L.plural(e.path.length, "step")})`, L.path(e.path)),
      L.details(
        `Conflicting laws (${e.conflicts.length})`,
        e.conflicts.length
          ? L.list(e.conflicts.map((c) => [L.entityLink(c.instrument), ": ", c.note]))
          : null
      ),
      L.details(`Challenge routes (${e.challenge_routes.length})`, L.list(e.challenge_routes)),
      L.details(`Secrecy (${e.secrecy.length})`, L.list(e.secrecy)),
      L.details(`Caveats (${e.caveats.length})`, L.list(e.caveats, "caveats"))
    );
  };

  const VERDICTS = {
    exposed: "Exposed: someone may be compelled to give access",
    none_found: "None found: no recorded instrument reaches this data, and every rule could be evaluated",
    incomplete: "Incomplete: nothing found, but facts the answer needs are missing (unknown, not none)",
  };

  /** The verdict and the gaps: what the answer could not evaluate, with the caveats of the facts involved. */
  function verdict(a) {
    const out = [h("p", { class: `verdict verdict-${a.verdict}` }, h("strong", {}, "Verdict: "), VERDICTS[a.verdict] || a.verdict)];
    if (a.gaps.length) {
      out.push(
        L.section(
          `Missing facts (${a.gaps.length})`,
          h(
            "ul",
            { class: "gaps" },
            a.gaps.map((g) =>
              h("li", {}, h("code", {}, g.kind), " ", g.message, g.caveats.length ? L.list(g.caveats, "caveats") : "")
            )
          )
        )
      );
    }
    return out;
  }

  function summary(a) {
    const date = L.longDate(a.as_of);
    const n = a.exposures.length;
    if (!n) {
      return h(
        "p",
        { class: "summary" },
        a.verdict === "incomplete"
          ? `On ${date} (${a.mode} mode), nothing was found, but facts the answer needs are missing: this is unknown, not "none". `
          : `On ${date} (${a.mode} mode), no recorded instrument reaches this data through the recorded facts. `,
        "That is not a guarantee: it only says what the recorded facts support."
      );
    }
    const entities = new Set(a.exposures.map((e) => e.compellable_entity.iri || e.compellable_entity.label));
    const instruments = new Set(a.exposures.map((e) => e.instrument.iri || e.instrument.label));
    const tiers = L.TIERS.map((t) => [t, a.exposures.filter((e) => e.confidence === t).length]).filter(([, c]) => c);
    return h(
      "p",
      { class: "summary" },
      `On ${date} (${a.mode} mode), ${L.plural(entities.size, "entity", "entities")} `,
      h("strong", {}, "may be compelled"),
      ` to give access to this data, under ${L.plural(instruments.size, "instrument")}: `,
      L.joined(tiers.map(([t, c]) => [String(c), " ", L.tier(t)])),
      "."
    );
  }

  /** Render an answer; `map` is the URL of its exposure map (SVG), `mapBody` the JSON to POST there, if any. */
  L.renderAnswer = function (container, a, map, mapBody) {
    L.clear(container);
    const date = L.longDate(a.as_of);
    L.add(container, verdict(a));
    L.add(container, summary(a));
    if (a.exposures.length) {
      L.add(container, L.exposureTable(`Who may be compelled to give access to this data on ${date} (${a.mode} mode)`, a.exposures));
    }
    if (map) {
      L.add(container, L.section("Exposure map", L.chart(`Exposure map of ${a.asset.label} on ${date} (${a.mode} mode)`, map, mapBody)));
    }
    if (a.exposures.length) {
      L.add(
        container,
        L.section(
          "Why: each exposure explained",
          h("p", {}, "Each sentence rests on a path of recorded facts; open “Why” to see every step and its sources."),
          h("ol", { class: "explanations" }, a.exposures.map(L.explanation))
        )
      );
    }
    if (a.availability.length) {
      L.add(
        container,
        L.section(
          "Availability: sanctions",
          h("p", {}, "Sanctions instruments do not compel access to the data; they may cut off the service, through the persons they bind and the technology it depends on."),
          L.exposureTable(`Who may be ordered to restrict the service on ${date}`, a.availability),
          h("ol", { class: "explanations" }, a.availability.map(L.explanation))
        )
      );
    }
    if (a.custodians.length) {
      L.add(
        container,
        L.section(
          "Who holds or can reach the data",
          L.table(
            `Custodians of the data on ${date}`,
            [{ label: "Custodian" }, { label: "Basis" }, { label: "Confidence" }, { label: "Why" }],
            a.custodians.map((c) => [L.entityLink(c.entity), c.basis, L.tier(c.confidence), L.details(L.plural(c.path.length, "step"), L.path(c.path))])
          )
        )
      );
    }
    if (a.dependencies.length) {
      L.add(
        container,
        L.section(
          "Dependencies without access to the data",
          L.table(
            `Dependencies on ${date}`,
            [{ label: "Entity" }, { label: "Why it is not a custodian" }, { label: "Path" }],
            a.dependencies.map((d) => [L.entityLink(d.entity), d.reason, L.details(L.plural(d.path.length, "step"), L.path(d.path))])
          )
        )
      );
    }
    if (a.notes.length) L.add(container, L.section("Notes", L.list(a.notes, "notes")));
    if (a.caveats.length) L.add(container, L.section("Caveats about this asset", L.list(a.caveats, "caveats")));
    L.add(container, h("p", { class: "disclaimer" }, a.disclaimer));
  };

  /** The reach of an instrument: one row per (service, entity). */
  L.renderReach = function (container, r) {
    L.clear(container);
    const date = L.longDate(r.as_of);
    if (!r.reach.length) {
      L.add(container, h("p", { class: "summary" }, `On ${date} (${r.mode} mode), ${r.instrument.label} reaches none of the recorded services, as far as the recorded facts go.`));
      return;
    }
    const services = new Set(r.reach.map((x) => x.service.iri));
    L.add(
      container,
      h("p", { class: "summary" }, `On ${date} (${r.mode} mode), ${r.instrument.label} may reach data on ${L.plural(services.size, "recorded service")}, through ${L.plural(r.reach.length, "compellable entity", "compellable entities")} (one row each).`),
      L.table(
        `Services ${r.instrument.label} may reach on ${date} (${r.mode} mode)`,
        [{ label: "Service" }, { label: "May be compelled" }, { label: "Confidence" }, { label: "Basis" }, { label: "What" }, { label: "Mitigations" }, { label: "Why" }],
        r.reach.map((x) => [
          L.entityLink(x.service),
          compellable(x),
          L.tier(x.confidence),
          x.basis,
          x.scope.join(", "),
          x.mitigations.length ? L.list(x.mitigations) : "none recorded",
          L.details("explanation and path", h("p", {}, x.explanation), L.path(x.path)),
        ]),
        { rowClass: (i) => (r.reach[i].confidence === "residual" ? "residual" : null) }
      )
    );
  };
})();
