// The trends page's one script (an external module: the CSP allows no inline script). It only enhances
// server-rendered pages: hover tips, legend toggles, drag-to-zoom, and the articles of a clicked point
// loaded under the chart. Without it every point is still a link and every form a plain GET form.

const tip = document.createElement("div");
tip.className = "tip";
tip.hidden = true;

/** Keeps the address bar (and so a shared link) equal to what the page shows. */
function setParam(name, value) {
  const url = new URL(window.location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  window.history.replaceState(null, "", url);
  for (const a of document.querySelectorAll(".downloads a")) {
    const link = new URL(a.href);
    if (value) link.searchParams.set(name, value);
    else link.searchParams.delete(name);
    a.href = link.toString();
  }
}

function setupLegend(figure) {
  const svg = figure.querySelector(".plot svg");
  for (const button of figure.querySelectorAll("button[data-toggle]")) {
    button.addEventListener("click", () => {
      const id = button.dataset.toggle;
      const show = button.getAttribute("aria-pressed") === "false";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      for (const g of svg?.querySelectorAll("[data-series], [data-legend]") ?? []) {
        if (g.dataset.series !== id && g.dataset.legend !== id) continue;
        if (show) g.removeAttribute("data-hidden");
        else g.setAttribute("data-hidden", "true");
      }
      const hidden = [...figure.querySelectorAll('button[data-toggle][aria-pressed="false"]')].map(
        (b) => b.dataset.toggle,
      );
      setParam("hide", hidden.join(","));
    });
  }
}

function setupTips(figure) {
  const plot = figure.querySelector(".plot");
  if (!plot) return;
  plot.appendChild(tip.cloneNode());
  const box = plot.querySelector(".tip");
  plot.addEventListener("mouseover", (event) => {
    const circle = event.target.closest?.("circle");
    const title = circle?.querySelector("title")?.textContent;
    if (!title) return;
    box.textContent = title;
    box.hidden = false;
    const r = plot.getBoundingClientRect();
    const c = circle.getBoundingClientRect();
    box.style.left = `${Math.min(r.width - 240, Math.max(0, c.left - r.left + 10))}px`;
    box.style.top = `${c.top - r.top - 34}px`;
  });
  plot.addEventListener("mouseout", (event) => {
    if (event.target.closest?.("circle")) box.hidden = true;
  });
}

/** Drag across a chart: the page reloads on that date range (from/to), which is then in the URL. */
function setupZoom(figure) {
  const svg = figure.querySelector(".plot svg");
  if (!svg?.dataset.t0) return;
  const t0 = Date.parse(`${svg.dataset.t0}T00:00:00Z`);
  const t1 = Date.parse(`${svg.dataset.t1}T00:00:00Z`);
  const px0 = Number(svg.dataset.px0);
  const px1 = Number(svg.dataset.px1);
  const width = svg.viewBox.baseVal.width;
  const toX = (clientX) =>
    ((clientX - svg.getBoundingClientRect().left) * width) / svg.getBoundingClientRect().width;
  const toDay = (x) => {
    const f = Math.min(1, Math.max(0, (x - px0) / (px1 - px0)));
    return new Date(t0 + f * (t1 - t0)).toISOString().slice(0, 10);
  };
  let start = null;
  let band = null;
  svg.addEventListener("mousedown", (event) => {
    if (event.button !== 0 || event.target.closest("a")) return;
    start = toX(event.clientX);
    band = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    band.setAttribute("class", "zoom-band");
    band.setAttribute("y", "0");
    band.setAttribute("height", String(svg.viewBox.baseVal.height));
    band.setAttribute("x", String(start));
    band.setAttribute("width", "0");
    svg.appendChild(band);
    event.preventDefault();
  });
  window.addEventListener("mousemove", (event) => {
    if (start === null || !band) return;
    const x = toX(event.clientX);
    band.setAttribute("x", String(Math.min(start, x)));
    band.setAttribute("width", String(Math.abs(x - start)));
  });
  window.addEventListener("mouseup", (event) => {
    if (start === null) return;
    const end = toX(event.clientX);
    band?.remove();
    const [a, b] = [Math.min(start, end), Math.max(start, end)];
    start = null;
    band = null;
    if (b - a < 8) return;
    const url = new URL(window.location.href);
    url.searchParams.set("from", toDay(a));
    url.searchParams.set("to", toDay(b));
    window.location.assign(url);
  });
}

/** Loads the articles of a point (or a tab, or a page of them) into the panel under the charts. */
async function showArticles(href) {
  const panel = document.getElementById("articles");
  if (!panel) return false;
  const url = new URL(href, window.location.href);
  url.searchParams.set("fragment", "1");
  panel.setAttribute("aria-busy", "true");
  try {
    const res = await fetch(url, { headers: { accept: "text/html" }, credentials: "same-origin" });
    if (!res.ok) throw new Error(`${res.status}`);
    // The server escaped every feed string; parse as inert HTML (no script runs from it either way).
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    panel.replaceChildren(...doc.body.childNodes);
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (error) {
    panel.textContent = `Could not load the articles (${error.message}).`;
  } finally {
    panel.removeAttribute("aria-busy");
  }
  return true;
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  const link = event.target.closest?.("a");
  if (!link) return;
  const inChart = link.closest(".plot");
  const inPanel = link.closest("#articles") && !link.closest(".article");
  const href = link.getAttribute("href");
  if (!(inChart || inPanel) || !href?.startsWith("/articles?") || !document.querySelector(".chart")) return;
  event.preventDefault();
  void showArticles(href);
});

for (const figure of document.querySelectorAll("figure.chart")) {
  setupLegend(figure);
  setupTips(figure);
  setupZoom(figure);
}
document.documentElement.dataset.ready = "true";
