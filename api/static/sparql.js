/* The SPARQL page: example queries, a query box, and the results as a table (POST /sparql, SPARQL JSON). */
"use strict";

(function () {
  const L = window.longarm;
  const { h } = L;
  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

  function cell(t) {
    if (!t) return null;
    if (t.type === "uri") {
      const path = L.explorePath(t.value);
      return path ? h("a", { href: path }, t.value.slice(L.idBase.length)) : h("span", { class: "mono" }, t.value);
    }
    if (t.type === "bnode") return h("span", { class: "mono muted" }, `_:${t.value}`);
    return h("span", { lang: t["xml:lang"] || null }, t.value);
  }

  async function run(query) {
    const status = L.byId("status");
    const content = L.clear(L.byId("content"));
    status.textContent = "Running the query…";
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: { Accept: ACCEPT, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query }),
      });
    } catch (e) {
      status.textContent = "";
      content.append(L.errorBox(new Error(`The server did not answer: ${e.message}`)));
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const truncated = response.headers.get("X-Longarm-Truncated") === "true";
    if (!response.ok) {
      const text = await response.text();
      let detail = text;
      try {
        detail = JSON.parse(text).detail;
      } catch (e) {
        /* plain text */
      }
      status.textContent = "";
      content.append(L.errorBox(new L.ApiError(response.status, detail)));
      return;
    }
    if (!type.includes("json")) {
      const text = await response.text();
      status.textContent = `A graph of ${L.plural(text.split("\n").filter((l) => l.trim() && !l.startsWith("@prefix")).length, "line")} in Turtle.`;
      content.append(h("pre", { class: "rdf", tabindex: "0" }, text));
      return;
    }
    const res = await response.json();
    if (typeof res.boolean === "boolean") {
      status.textContent = "Answered.";
      content.append(h("p", { class: "summary" }, "The answer is ", h("strong", {}, res.boolean ? "yes (true)" : "no (false)"), "."));
      return;
    }
    const vars = res.head.vars;
    const rows = res.results.bindings;
    status.textContent = `${L.plural(rows.length, "row")}${truncated ? " (cut at the server's result cap)" : ""}.`;
    if (!rows.length) {
      content.append(h("p", { class: "muted" }, "No row."));
      return;
    }
    content.append(
      L.table(
        `${L.plural(rows.length, "result")}${truncated ? " (truncated)" : ""}`,
        vars.map((v) => ({ label: `?${v}` })),
        rows.map((b) => vars.map((v) => cell(b[v]))),
        { noRowHeader: true }
      )
    );
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const form = L.byId("sparql");
    const select = L.byId("example");
    const textarea = L.byId("query");
    const desc = L.byId("example-desc");
    let examples = [];
    try {
      examples = await L.api("/explore/sparql/examples.json");
    } catch (e) {
      desc.textContent = "The examples could not be loaded.";
    }
    examples.forEach((ex, i) => select.append(h("option", { value: String(i) }, ex.title)));
    select.addEventListener("change", () => {
      const ex = examples[Number(select.value)];
      if (!ex || select.value === "") return;
      textarea.value = ex.query;
      desc.textContent = ex.description;
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const query = textarea.value.trim();
      if (!query) {
        textarea.focus();
        return;
      }
      history.replaceState(null, "", `${location.pathname}?${new URLSearchParams({ query })}`);
      run(query);
    });
    textarea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    const given = L.params().get("query");
    if (given) {
      textarea.value = given;
      run(given);
    } else if (examples.length) {
      select.value = "0";
      select.dispatchEvent(new Event("change"));
    }
  });
})();
