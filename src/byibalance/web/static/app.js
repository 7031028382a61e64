// Draw every chart from its data-figure attribute (Plotly served from the package; no CDN).
function byibalanceDraw(root) {
  if (typeof Plotly === "undefined") { return; }
  (root || document).querySelectorAll(".chart[data-figure]").forEach(function (el) {
    var fig = JSON.parse(el.getAttribute("data-figure"));
    Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
  });
}
document.addEventListener("DOMContentLoaded", function () { byibalanceDraw(document); });
document.addEventListener("htmx:afterSwap", function (e) { byibalanceDraw(e.target); });
