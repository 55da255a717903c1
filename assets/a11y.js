/* Accessibility fixes for what Dash and plotly.js draw, applied as their elements appear (a MutationObserver),
 * since neither offers a property for them. Each fix is checked by tests/browser/test_accessibility.py (axe-core).
 *
 * - dcc.Dropdown (Dash 4) puts a hidden <input aria-hidden="true" tabindex="0"> before its button, which takes
 *   Tab and passes focus on to the button (tabindex="-1"): a focusable element hidden from screen readers
 *   (axe: aria-hidden-focus). The input is disabled here and the button itself takes Tab; the button is also
 *   named by its label ("Region: MENA", not just "MENA").
 * - plotly.js's toolbar (modebar) adds five buttons per chart to the tab order: out of it (tabindex -1), still
 *   there for the mouse. A keyboard reader gets each chart's numbers from its CSV button instead.
 * - Every chart's description (the sentence dashboards/figures/describe.py puts in layout.meta.description on
 *   the server) is copied into the card's visually hidden summary, which the card's aria-describedby names;
 *   the plot itself becomes one image with the chart's title and that description.
 * - dcc.Upload's file input has no label: it takes the drop zone's words.
 */
(function () {
    "use strict";

    function fixDropdown(input) {
        if (!input.disabled) {
            input.disabled = true;  // not focusable, whatever tabindex the dropdown gives it later
        }
        var button = input.nextElementSibling;
        if (!button || button.tagName !== "BUTTON") {
            return;
        }
        if (!button.disabled && button.tabIndex !== 0) {
            button.tabIndex = 0;
        }
        var label = button.id && document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
        if (label) {
            if (!label.id) {
                label.id = button.id + "-label";
            }
            var names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
            if (names[0] !== label.id) {
                button.setAttribute("aria-labelledby", [label.id].concat(names.filter(function (n) {
                    return n !== label.id;
                })).join(" "));
            }
        }
    }

    function setAttr(element, name, value) {
        if (element.getAttribute(name) !== value) {
            element.setAttribute(name, value);
        }
    }

    function describe(graph) {
        var card = graph.closest("figure[aria-describedby]");
        if (!card) {
            return;
        }
        var meta = graph.layout && graph.layout.meta;
        var summary = document.getElementById(card.getAttribute("aria-describedby"));
        var text = meta && meta.description ? meta.description : "";
        if (summary && summary.textContent !== text) {
            summary.textContent = text;
        }
        // The plot (the first svg; the others are plotly.js's hover and drag layers) is one image with the
        // chart's title and description, rather than hundreds of tick labels read out one by one. Not the
        // graph's whole box: it holds the toolbar's buttons, which an image's children cannot be.
        graph.querySelectorAll("svg.main-svg").forEach(function (svg, i) {
            if (i === 0) {
                setAttr(svg, "role", "img");
                setAttr(svg, "aria-label", card.getAttribute("aria-label") || "Chart");
                setAttr(svg, "aria-describedby", card.getAttribute("aria-describedby"));
            } else {
                setAttr(svg, "aria-hidden", "true");
            }
        });
    }

    function fixGraph(graph) {
        graph.querySelectorAll(".modebar-btn:not([tabindex='-1'])").forEach(function (b) {
            b.setAttribute("tabindex", "-1");
        });
        describe(graph);
        if (!graph.__scnA11y && typeof graph.on === "function") {
            graph.__scnA11y = true;
            graph.on("plotly_afterplot", function () {
                fixGraph(graph);
            });
        }
    }

    function fixUpload(input) {
        var zone = input.parentElement;
        var words = zone && zone.textContent.trim();
        if (words && input.getAttribute("aria-label") !== words) {
            input.setAttribute("aria-label", words);
        }
    }

    function fixAll() {
        document.querySelectorAll(".dash-dropdown-focus-target").forEach(fixDropdown);
        document.querySelectorAll(".js-plotly-plot").forEach(fixGraph);
        document.querySelectorAll("input[type=file]:not([aria-labelledby])").forEach(fixUpload);
    }

    var queued = false;
    function queue() {
        if (!queued) {
            queued = true;
            // after the batch of changes React or plotly.js is making, once per frame
            window.requestAnimationFrame(function () {
                queued = false;
                fixAll();
            });
        }
    }

    function start() {
        // tabindex: the dropdown's button hands Tab back to its input on blur; the modebar is redrawn
        new MutationObserver(queue).observe(document.body, {
            childList: true, subtree: true, attributes: true, attributeFilter: ["tabindex", "aria-labelledby"]
        });
        fixAll();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
