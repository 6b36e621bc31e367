/* An ad-hoc check: an asset described by its provider or service, location and key holder → POST /api/v1/exposures.
 * The form is kept in the URL (a GET form), so a check can be shared; the answer is drawn in the page. */
"use strict";

(function () {
  const L = window.longarm;
  const FIELDS = ["service", "provider", "location", "keys_held_by"];

  const refs = (text) =>
    (text || "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean);

  async function run(form) {
    const status = L.byId("status");
    const content = L.byId("content");
    const body = { as_of: form.elements.as_of.value, mode: form.elements.mode.value };
    for (const f of FIELDS) body[f] = refs(form.elements[f].value);
    if (!body.service.length && !body.provider.length) {
      status.textContent = "";
      L.clear(content).append(L.errorBox(new Error("Give a service or a provider (or both).")));
      form.elements.service.focus();
      return;
    }
    status.textContent = `Working out who may be compelled on ${L.longDate(body.as_of)} (${body.mode} mode)…`;
    content.setAttribute("aria-busy", "true");
    try {
      const a = await L.api("/api/v1/exposures", { json: body });
      L.renderAnswer(content, a, "/api/v1/exposures.svg", body);
      status.textContent = `Answer for ${a.asset.label} on ${L.longDate(a.as_of)} (${a.mode} mode): ${L.plural(a.exposures.length, "exposure")}.`;
    } catch (e) {
      status.textContent = "";
      L.clear(content).append(L.errorBox(e));
    } finally {
      content.removeAttribute("aria-busy");
    }
  }

  function fill(form) {
    const p = L.params();
    for (const f of FIELDS) form.elements[f].value = p.getAll(f).join("; ");
    form.elements.as_of.value = L.isDate(p.get("as_of")) ? p.get("as_of") : L.today();
    form.elements.mode.value = p.get("mode") === "practical" ? "practical" : "strict";
    return FIELDS.some((f) => p.get(f));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = L.byId("check");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      for (const f of FIELDS) if (form.elements[f].value.trim()) p.set(f, form.elements[f].value.trim());
      p.set("as_of", form.elements.as_of.value);
      p.set("mode", form.elements.mode.value);
      history.pushState(null, "", `${location.pathname}?${p}`);
      run(form);
    });
    window.addEventListener("popstate", () => {
      if (fill(form)) run(form);
      else L.clear(L.byId("content"));
    });
    if (fill(form)) run(form);
  });
})();
