/* longarm explorer: shared helpers (DOM building, API calls, links, tables, charts, suggestions).
 *
 * Every piece of data from the API becomes text nodes or attribute values through `h()`;
 * nothing is parsed as HTML. The only markup parsed is the SVG of our own chart endpoints,
 * through DOMParser as XML, stripped of anything active, then imported into the page.
 */
"use strict";

(function () {
  const L = {};
  window.longarm = L;

  const meta = document.querySelector('meta[name="longarm-id-base"]');
  L.idBase = meta ? meta.content : "";

  L.KINDS = {
    org: "Organization",
    service: "Service",
    jur: "Jurisdiction",
    asset: "Data asset",
    instrument: "Legal instrument",
    authority: "Authority",
    certification: "Certification",
    region: "Region",
    contract: "Contract",
    interest: "Ownership interest",
    source: "Source",
    exposure: "Exposure",
  };
  L.TIERS = ["established", "likely", "contested", "residual"];
  L.EXPORTS = [
    ["graphml", "GraphML"],
    ["gexf", "GEXF"],
    ["dot", "DOT"],
    ["cytoscape", "Cytoscape JSON"],
    ["bods", "BODS 0.4"],
    ["turtle", "Turtle"],
    ["jsonld", "JSON-LD"],
  ];

  /* ---- DOM ---- */

  /** Build an element: h("a", {href: "/x", class: "c"}, "text", child, [more]). */
  L.h = function (tag, attrs, ...children) {
    const el = tag.startsWith("svg:")
      ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
      : document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    L.append(el, children);
    return el;
  };

  L.append = function (el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  };

  /** Append children, skipping null and undefined (Element.append would write "null"). */
  L.add = (el, ...children) => L.append(el, children);

  L.clear = function (el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  };

  L.byId = (id) => document.getElementById(id);

  let uid = 0;
  L.uid = (prefix) => `${prefix}-${++uid}`;

  /** Join nodes with a separator, for inline lists. */
  L.joined = function (items, sep) {
    const out = [];
    items.forEach((item, i) => {
      if (i) out.push(sep === undefined ? ", " : sep);
      out.push(item);
    });
    return out;
  };

  /* ---- dates, numbers, query string ---- */

  L.today = function () {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  };

  L.isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || "");

  L.longDate = function (iso) {
    if (!L.isDate(iso)) return iso || "";
    const [y, m, d] = iso.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", {
      day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
    });
  };

  L.pct = function (x) {
    if (x === null || x === undefined) return null;
    return `${Number(x).toLocaleString("en-GB", { maximumFractionDigits: 4 })} %`;
  };

  L.params = () => new URLSearchParams(location.search);

  /** "incorporated_in" → "Incorporated in". */
  L.human = function (key) {
    const s = String(key)
      .replace(/_/g, " ")
      .replace(/\b(iso|lei|iri|eu|url)\b/gi, (w) => w.toUpperCase());
    return s.charAt(0).toUpperCase() + s.slice(1);
  };

  L.plural = (n, one, many) => `${n} ${n === 1 ? one : many || one + "s"}`;

  /* ---- links ---- */

  /** The explorer path of a longarm IRI, or null for another IRI. */
  L.explorePath = function (iri) {
    if (!iri || !L.idBase || !iri.startsWith(L.idBase)) return null;
    const rest = iri.slice(L.idBase.length);
    const slash = rest.indexOf("/");
    if (slash < 1) return null;
    const kind = rest.slice(0, slash);
    const slug = rest.slice(slash + 1);
    if (!(kind in L.KINDS) || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(slug)) return null;
    return `/explore/${kind}/${slug}`;
  };

  /** The kind of a longarm IRI ("org", "service" …), or null. */
  L.kindOf = function (iri) {
    const path = L.explorePath(iri);
    return path ? path.split("/")[2] : null;
  };

  /** [kind, slug] of the current explorer page. */
  L.pageRef = function () {
    const parts = location.pathname.split("/").filter(Boolean);
    return parts.length === 3 && parts[0] === "explore" ? [parts[1], decodeURIComponent(parts[2])] : [null, null];
  };

  L.iriOf = (kind, slug) => L.idBase + kind + "/" + slug;

  /** An http(s) URL from data, or null (never a javascript: or data: URL). */
  L.safeUrl = function (url) {
    if (!url) return null;
    try {
      const u = new URL(url, location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  };

  L.externalLink = (url, text) =>
    L.h("a", { href: url, class: "external", rel: "noopener noreferrer external" }, text);

  /** A link to an entity's page (or its label), with its jurisdictions as badges. */
  L.entityLink = function (ref, extra) {
    if (!ref) return L.h("span", { class: "muted" }, "—");
    const path = L.explorePath(ref.iri || ref.id);
    const label = ref.label || ref.id || ref.iri;
    const main = path ? L.h("a", { href: path }, label) : L.h("span", {}, label);
    const badges = (ref.jurisdiction || []).map((j) => L.h("span", { class: "badge", title: "jurisdiction" }, j));
    return L.h("span", { class: "entity" }, main, badges, extra || null);
  };

  L.tier = function (tier) {
    const known = L.TIERS.includes(tier);
    return L.h("span", { class: known ? `tier tier-${tier}` : "tier" }, tier || "unrated");
  };

  /* ---- API ---- */

  class ApiError extends Error {
    constructor(status, detail) {
      const message =
        typeof detail === "string" ? detail : detail && detail.message ? detail.message : JSON.stringify(detail);
      super(message || `HTTP ${status}`);
      this.status = status;
      this.detail = detail;
    }
  }
  L.ApiError = ApiError;

  /** Fetch JSON from this server; an error answer becomes an ApiError carrying its detail. */
  L.api = async function (path, options) {
    const opts = Object.assign({ headers: { Accept: "application/json" } }, options || {});
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.body = JSON.stringify(opts.json);
      opts.headers = Object.assign({}, opts.headers, { "Content-Type": "application/json" });
      delete opts.json;
    }
    let response;
    try {
      response = await fetch(path, opts);
    } catch (e) {
      throw new ApiError(0, "The server did not answer: " + e.message);
    }
    const type = response.headers.get("Content-Type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) throw new ApiError(response.status, body && body.detail !== undefined ? body.detail : body);
    return body;
  };

  /** An error box: the message, and suggestions or candidates as links. */
  L.errorBox = function (err) {
    const box = L.h("div", { class: "error", role: "alert" });
    const detail = err && err.detail;
    if (Array.isArray(detail)) {
      box.append(L.h("p", {}, `The request was refused (HTTP ${err.status}):`));
      box.append(L.h("ul", {}, detail.map((d) => L.h("li", {}, typeof d === "string" ? d : d.msg || JSON.stringify(d)))));
      return box;
    }
    box.append(L.h("p", {}, err && err.message ? err.message : String(err)));
    const more = detail && (detail.suggestions || detail.candidates);
    if (more && more.length) {
      box.append(
        L.h("p", {}, detail.candidates ? "Several entities match; which one?" : "Did you mean:"),
        L.h("ul", {}, more.map((s) => L.h("li", {}, L.entityLink({ iri: s.id, label: s.label }))))
      );
    }
    return box;
  };

  /* ---- building blocks ---- */

  L.section = function (title, ...children) {
    const id = L.uid("sec");
    return L.h("section", { "aria-labelledby": id }, L.h("h2", { id }, title), children);
  };

  L.sources = function (sources) {
    if (!sources || !sources.length) return L.h("p", { class: "muted" }, "No source recorded.");
    return L.h(
      "ul",
      { class: "sources" },
      sources.map((s) => {
        const path = L.explorePath(s.id);
        const url = L.safeUrl(s.url);
        return L.h(
          "li",
          {},
          path ? L.h("a", { href: path }, s.label) : s.label,
          s.date ? [" ", L.h("span", { class: "date" }, `(${s.date})`)] : null,
          url ? [" — ", L.externalLink(url, "original")] : null
        );
      })
    );
  };

  L.list = (items, cls) =>
    items && items.length ? L.h("ul", { class: cls || null }, items.map((x) => L.h("li", {}, x))) : null;

  L.caveats = function (items, title) {
    if (!items || !items.length) return null;
    return L.h("div", { class: "caveats" }, L.h("h3", {}, title || "Caveats"), L.list(items));
  };

  /** A details element with a summary; the body is built only if there is something to show. */
  L.details = function (summary, ...body) {
    const content = body.flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false);
    if (!content.length) return null;
    return L.h("details", {}, L.h("summary", {}, summary), content);
  };

  /**
   * A table in a scrollable, keyboard-focusable region.
   * columns: [{label, num}]; rows: arrays of cells (node, string or array); the first cell is a row header.
   */
  L.table = function (caption, columns, rows, options) {
    const opts = options || {};
    const capId = L.uid("cap");
    const table = L.h(
      "table",
      {},
      L.h("caption", { id: capId }, caption),
      L.h("thead", {}, L.h("tr", {}, columns.map((c) => L.h("th", { scope: "col", class: c.num ? "num" : null }, c.label)))),
      L.h(
        "tbody",
        {},
        rows.map((row, r) =>
          L.h(
            "tr",
            { class: opts.rowClass ? opts.rowClass(r) : null },
            row.map((cell, i) =>
              L.h(
                i === 0 && !opts.noRowHeader ? "th" : "td",
                {
                  scope: i === 0 && !opts.noRowHeader ? "row" : null,
                  class: columns[i] && columns[i].num ? "num" : null,
                  "data-label": columns[i] ? columns[i].label : null,
                },
                L.h("div", { class: "cell" }, cell === null || cell === undefined || cell === "" ? L.h("span", { class: "muted" }, "—") : cell)
              )
            )
          )
        )
      )
    );
    return L.h("div", { class: "table-wrap", role: "region", "aria-labelledby": capId, tabindex: "0" }, table);
  };

  /** The path of sourced facts behind an answer. */
  L.path = function (steps) {
    if (!steps || !steps.length) return null;
    return L.h(
      "ol",
      { class: "path" },
      steps.map((s) => L.h("li", {}, L.h("span", { class: "statement" }, s.statement), L.sources(s.source)))
    );
  };

  /** Links to the exports of an entity's neighbourhood; BODS (ownership only) for organizations. */
  L.downloads = function (iri, bods) {
    return L.h(
      "ul",
      { class: "downloads" },
      L.EXPORTS.filter(([format]) => bods || format !== "bods").map(([format, label]) =>
        L.h("li", {}, L.h("a", { href: `/api/v1/export?format=${format}&ref=${encodeURIComponent(iri)}`, download: "" }, label))
      )
    );
  };

  /* ---- charts: our own SVG, inlined so that its node links work ---- */

  const SVG_NS = "http://www.w3.org/2000/svg";

  function cleanSvg(node) {
    for (const bad of node.querySelectorAll("script, foreignObject, iframe, embed, object")) bad.remove();
    for (const el of [node, ...node.querySelectorAll("*")]) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim().toLowerCase();
        if (name.startsWith("on")) el.removeAttribute(attr.name);
        else if ((name === "href" || name === "xlink:href") && !(value.startsWith("/") || value.startsWith("#")))
          el.removeAttribute(attr.name);
      }
    }
  }

  /** Fetch an SVG from this server and put it in `paper`; a message instead if it is not available. */
  L.inlineSvg = async function (url, paper, label, json) {
    L.clear(paper).append(L.h("p", { class: "loading" }, "Drawing the chart…"));
    let text;
    try {
      const init = json
        ? { method: "POST", headers: { Accept: "image/svg+xml", "Content-Type": "application/json" }, body: JSON.stringify(json) }
        : { headers: { Accept: "image/svg+xml" } };
      const response = await fetch(url, init);
      text = await response.text();
      if (!response.ok) {
        let message = `HTTP ${response.status}`;
        try {
          const detail = JSON.parse(text).detail;
          message = typeof detail === "string" ? detail : detail.message || message;
        } catch (e) {
          /* not JSON */
        }
        throw new Error(message);
      }
    } catch (e) {
      L.clear(paper).append(L.h("p", { class: "muted" }, `The chart is not available: ${e.message}`));
      return null;
    }
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = doc.documentElement;
    if (doc.getElementsByTagName("parsererror").length || root.namespaceURI !== SVG_NS) {
      L.clear(paper).append(L.h("p", { class: "muted" }, "The chart could not be read."));
      return null;
    }
    cleanSvg(root);
    const svg = document.importNode(root, true);
    if (!svg.querySelector("title") && !svg.hasAttribute("aria-label")) svg.setAttribute("aria-label", label);
    // A picture whose nodes are links: a group, so that assistive technology reaches the links.
    if (svg.querySelector("a") && svg.getAttribute("role") === "img") svg.setAttribute("role", "group");
    // Drawn a little larger than its natural size where there is room; never wider than the page.
    const width = parseFloat(svg.getAttribute("width"));
    if (width > 0) svg.style.width = `${Math.round(width * 1.25)}px`;
    L.clear(paper).append(svg);
    return svg;
  };

  /** A figure with the chart at `url` (GET, or POST of `json`) and a caption. */
  L.chart = function (label, url, json) {
    const paper = L.h("div", { class: "chart-paper" });
    const fig = L.h(
      "figure",
      { class: "chart" },
      paper,
      L.h(
        "figcaption",
        {},
        label,
        ". Nodes are links to their pages; on a small screen the chart scrolls sideways. ",
        json ? null : L.h("a", { href: url, class: "chart-alone" }, "Open the chart on its own (SVG)")
      )
    );
    L.inlineSvg(url, paper, label, json);
    return fig;
  };

  /* ---- search suggestions: an ARIA 1.2 combobox with a listbox ---- */

  /**
   * Suggestions under a text input. data-suggest="" (any kind) opens the chosen entity's page;
   * data-suggest="org" (a kind) fills the input with the entity's id, after the last ";".
   */
  L.combobox = function (input) {
    const kind = input.dataset.suggest || "";
    const navigate = !kind;
    const listId = L.uid("suggestions");
    const wrap = L.h("div", { class: "suggest-wrap" });
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input);
    const list = L.h("ul", { id: listId, role: "listbox", class: "suggestions", hidden: true, "aria-label": "Suggestions" });
    const live = L.h("span", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    wrap.append(list, live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    let items = [];
    let active = -1;
    let timer = null;
    let seq = 0;

    const term = () => (navigate ? input.value : input.value.split(";").pop()).trim();

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function setActive(i) {
      active = i;
      Array.from(list.children).forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", list.children[i].id);
        list.children[i].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }

    function choose(i) {
      const hit = items[i];
      if (!hit) return;
      if (navigate) {
        const path = L.explorePath(hit.iri);
        if (path) {
          close();
          location.assign(path);
          return;
        }
        input.value = hit.label;
      } else {
        const parts = input.value.split(";");
        parts[parts.length - 1] = (parts.length > 1 ? " " : "") + (hit.id || hit.label);
        input.value = parts.join(";");
      }
      close();
      input.focus();
    }

    function render(page) {
      items = page.items;
      L.clear(list);
      items.forEach((hit, i) => {
        const matched = hit.matched && hit.matched.toLowerCase() !== (hit.label || "").toLowerCase();
        list.append(
          L.h(
            "li",
            {
              id: `${listId}-${i}`,
              role: "option",
              "aria-selected": "false",
              onmousedown: (e) => e.preventDefault(),
              onclick: () => choose(i),
            },
            L.h("span", { class: "sug-label" }, hit.label, matched ? L.h("span", { class: "sug-match" }, ` (${hit.matched})`) : null),
            L.h("span", { class: "sug-kind" }, L.KINDS[hit.kind] || hit.kind, hit.jurisdiction && hit.jurisdiction.length ? ` · ${hit.jurisdiction.join(", ")}` : "")
          )
        );
      });
      active = -1;
      live.textContent = items.length ? `${L.plural(page.total, "suggestion")}; arrow keys to choose` : "No suggestion";
      if (items.length && document.activeElement === input) open();
      else close();
    }

    async function suggest() {
      const q = term();
      const mine = ++seq;
      if (!q) {
        items = [];
        close();
        return;
      }
      const params = new URLSearchParams({ q, limit: "8" });
      if (kind) params.append("kind", kind);
      try {
        const page = await L.api(`/api/v1/entities?${params}`);
        if (mine === seq) render(page);
      } catch (e) {
        if (mine === seq) close();
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!items.length) return;
        e.preventDefault();
        if (list.hidden) open();
        const n = items.length;
        setActive(e.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) {
          e.preventDefault();
          choose(active);
        }
      } else if (e.key === "Escape") {
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
      } else if (e.key === "Tab") close();
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    input.addEventListener("focus", () => {
      if (items.length && term()) open();
    });
  };

  /* ---- date and mode controls that follow the URL ---- */

  /**
   * Keep a form's as_of (and mode) in the query string: read them on load and on Back,
   * write them on change; `onchange({as_of, mode})` draws the answer.
   */
  L.dateControls = function (form, onchange) {
    const asOf = form.elements.as_of;
    const mode = form.elements.mode;
    function read() {
      const p = L.params();
      asOf.value = L.isDate(p.get("as_of")) ? p.get("as_of") : L.today();
      if (mode) mode.value = p.get("mode") === "practical" ? "practical" : "strict";
    }
    let last = "";
    let seq = 0;
    /** The state handed to onchange; state.current() is false once a newer one has been handed. */
    function stateNow() {
      const mine = ++seq;
      return { as_of: asOf.value, mode: mode ? mode.value : null, current: () => mine === seq };
    }
    /** Follow the form: a new URL is pushed (Back returns to the previous answer); `force` redraws anyway. */
    function apply(force) {
      if (!L.isDate(asOf.value)) return;
      const p = L.params();
      p.set("as_of", asOf.value);
      if (mode) p.set("mode", mode.value);
      const url = `${location.pathname}?${p}`;
      if (url === last && !force) return;
      if (url !== last) history.pushState({ as_of: asOf.value, mode: mode ? mode.value : null }, "", url);
      last = url;
      onchange(stateNow());
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      apply(true);
    });
    let timer = null;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => apply(false), 250);
    };
    asOf.addEventListener("change", soon);
    if (mode) mode.addEventListener("change", soon);
    window.addEventListener("popstate", () => {
      read();
      last = `${location.pathname}${location.search}`;
      onchange(stateNow());
    });
    read();
    last = `${location.pathname}${location.search}`;
    onchange(stateNow());
  };

  /* ---- every page ---- */

  document.addEventListener("DOMContentLoaded", () => {
    for (const input of document.querySelectorAll("input[data-suggest]")) L.combobox(input);
  });
})();
