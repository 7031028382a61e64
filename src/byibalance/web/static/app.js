// Draw every chart from its data-figure attribute (Plotly served from the package; no CDN).
// With htmx, charts in content swapped in later (e.g. another year's pyramid) are drawn too.
function byibalanceDraw(root) {
  if (typeof Plotly === "undefined") { return; }
  (root || document).querySelectorAll(".chart[data-figure]").forEach(function (el) {
    if (el.dataset.drawn) { return; }
    el.dataset.drawn = "1";
    var fig = JSON.parse(el.getAttribute("data-figure"));
    Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
  });
}
if (typeof htmx !== "undefined") {
  htmx.onLoad(function (el) { byibalanceDraw(el); });
} else {
  document.addEventListener("DOMContentLoaded", function () { byibalanceDraw(document); });
}
