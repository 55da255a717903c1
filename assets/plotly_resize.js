// Skip resizing a chart whose box has not changed size.
//
// dcc.Graph calls Plotly.Plots.resize after a chart's first draw, and again when its ResizeObserver first
// reports the box, which it always does once even when nothing moved. Each call waits 100 ms, then lays the
// chart out again (plotly.js 'relayout', ~20-40 ms a chart), and dcc.Graph marks the chart pending meanwhile.
// On a page of six charts that was ~150-250 ms of work for nothing, at the end of every page load.
//
// The test is the one plotly.js itself makes (plots.plotAutoSize): the chart's computed width and height
// against the size it was drawn at, within a pixel. A real change (a wider window, a card that grew, a tab
// shown) still goes through plotly.js's own resize.
(function () {
    "use strict";

    function unchanged(div) {
        var full = div && div._fullLayout;
        var own = div && div.layout;
        if (!full || !own || (own.width && own.height)) {
            return false; // not drawn yet, or plotly.js would do nothing anyway: leave it to plotly.js
        }
        var style = window.getComputedStyle(div);
        var width = parseFloat(style.width);
        var height = parseFloat(style.height);
        return Math.abs(width - full.width) <= 1 && Math.abs(height - full.height) <= 1;
    }

    function patch() {
        var plots = window.Plotly && window.Plotly.Plots;
        if (!plots || plots.resize.scnSkipsUnchanged) {
            return;
        }
        var resize = plots.resize;
        plots.resize = function (gd) {
            var div = typeof gd === "string" ? document.getElementById(gd) : gd;
            if (div && !div._redrawTimer && unchanged(div)) {
                return Promise.resolve(div);
            }
            return resize.apply(this, arguments);
        };
        plots.resize.scnSkipsUnchanged = true;
    }

    // The assets' scripts run in name order, and plotly.js (assets/vendor/) comes after this one; all of them
    // have run by DOMContentLoaded, before Dash renders anything.
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", patch);
    } else {
        patch();
    }
})();
