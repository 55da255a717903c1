// Charts drawn for the box they are in: a phone's narrow card, and the printed page.
//
// The figures are built on the server for a laptop's card (dashboards/figures): margins wide enough for whole
// category labels, panels side by side, a heatmap's colour bar on its right. On a phone's ~360 px card that
// leaves the bars no room (the labels take the width) and puts panels on top of each other's labels. Every
// figure reaches the page through Plotly.react (dcc.Graph), so this wraps it and lays the figure out again for
// the box it is drawn in:
//   narrow (a card under NARROW px): long category labels cut with an ellipsis (the hover keeps the whole name),
//   panels side by side stacked one under another, a heatmap's colour bar under it and its quarters upright and
//   short, long titles on two lines (legends are below the plot already: dashboards/theme.py);
//   print (the page is being printed, assets/print.js): the figure as it is, drawn again in its box, which
//   assets/print.css keeps within A4's printable width, so nothing runs past the paper's right edge.
// The figure dcc.Graph gave is kept (gd.scnFigure) and drawn again when the box changes kind (a phone turned,
// the print dialog opened or closed). window.scnCharts.redraw() does that for every chart and says when done.
(function () {
    "use strict";

    var NARROW = 576; // px: Bootstrap's "sm" breakpoint; a card below it is a phone's
    var LABEL_SHARE = 0.3; // of a narrow chart's width, the most its category labels may take
    var CHAR_PX = 6.6; // a 12-13 px label's average character, to cut labels before drawing them

    function printing() {
        return document.documentElement.classList.contains("scn-printing");
    }

    function boxWidth(gd) {
        var width = gd.clientWidth || (gd.parentElement && gd.parentElement.clientWidth) || 0;
        return width;
    }

    function modeFor(gd) {
        if (printing()) {
            return "print";
        }
        var width = boxWidth(gd);
        return width && width < NARROW ? "narrow" : "wide";
    }

    function copy(object) {
        return Object.assign({}, object || {});
    }

    function axisKeys(layout, letter) {
        return Object.keys(layout).filter(function (key) {
            return new RegExp("^" + letter + "axis\\d*$").test(key);
        });
    }

    function shortText(text, chars) {
        text = String(text);
        return text.length > chars ? text.slice(0, Math.max(1, chars - 1)).trim() + "\u2026" : text;
    }

    // A title longer than the chart is wide goes on two lines, broken at the space nearest its middle.
    function wrapTitle(layout, width) {
        var title = layout.title;
        var text = title && (typeof title === "string" ? title : title.text);
        if (!text || text.indexOf("<br>") >= 0 || text.length * 8.2 < width - 24) {
            return;
        }
        var middle = Math.floor(text.length / 2);
        var cut = -1;
        for (var d = 0; d < middle; d++) {
            if (text[middle - d] === " ") { cut = middle - d; break; }
            if (text[middle + d] === " ") { cut = middle + d; break; }
        }
        if (cut < 0) {
            return;
        }
        // above the plot and pushing the top margin (title.automargin): two lines never run into the plot
        layout.title = Object.assign(typeof title === "string" ? {} : copy(title), {
            text: text.slice(0, cut) + "<br>" + text.slice(cut + 1), font: Object.assign(copy(title.font), {size: 14}),
            yref: "paper", y: 1, yanchor: "bottom", pad: {b: 10}, automargin: true});
    }

    // An axis title longer than its axis is cut with an ellipsis (a y title runs along the chart's height).
    function shortAxisTitles(layout, height) {
        axisKeys(layout, "y").forEach(function (key) {
            var axis = layout[key];
            var title = axis.title && (typeof axis.title === "string" ? axis.title : axis.title.text);
            var domain = axis.domain || [0, 1];
            var chars = Math.floor((height - 110) * (domain[1] - domain[0]) / 7);
            if (title && title.length > chars) {
                layout[key] = Object.assign(copy(axis), {title: Object.assign(
                    typeof axis.title === "string" ? {} : copy(axis.title), {text: shortText(title, chars)})});
            }
        });
    }

    // Panels side by side (make_subplots' grid) become one column, each panel as tall as a short chart, their
    // titles (paper annotations at each panel's top centre) moved with them.
    function stackPanels(layout) {
        var xs = axisKeys(layout, "x").filter(function (key) { return layout[key].domain; });
        var columns = {};
        xs.forEach(function (key) { columns[String(layout[key].domain[0])] = true; });
        if (Object.keys(columns).length < 2) {
            return null;
        }
        var panels = xs.map(function (key) {
            var n = key.slice(5);
            var yKey = "yaxis" + n;
            return {x: key, y: yKey, oldX: layout[key].domain, oldY: (layout[yKey] || {}).domain || [0, 1]};
        }).sort(function (a, b) {
            return (b.oldY[1] - a.oldY[1]) || (a.oldX[0] - b.oldX[0]);
        });
        var count = panels.length;
        var panelPx = 150, gapPx = 56, firstPx = 26; // firstPx: the first panel's title, under the chart's
        var plotPx = count * panelPx + (count - 1) * gapPx + firstPx;
        var margin = layout.margin || {};
        var newHeight = plotPx + (margin.t || 60) + (margin.b || 40);
        var share = panelPx / plotPx, gap = gapPx / plotPx;
        var annotations = (layout.annotations || []).map(copy);
        panels.forEach(function (panel, i) {
            var top = 1 - firstPx / plotPx - i * (share + gap);
            var x = copy(layout[panel.x]);
            var y = copy(layout[panel.y]);
            x.domain = [0, 1];
            y.domain = [Math.max(0, top - share), top];
            y.showticklabels = true;
            y.automargin = true;
            layout[panel.x] = x;
            layout[panel.y] = y;
            annotations.forEach(function (note) {
                if (note.xref === "paper" && note.yref === "paper" && !note.scnMoved
                        && Math.abs(note.x - (panel.oldX[0] + panel.oldX[1]) / 2) < 0.02
                        && Math.abs(note.y - panel.oldY[1]) < 0.02) {
                    note.x = 0.5;
                    note.y = top;
                    note.scnMoved = true;
                }
            });
        });
        annotations.forEach(function (note) { delete note.scnMoved; });
        layout.annotations = annotations;
        return newHeight;
    }

    // Horizontal bars and heatmap rows: category labels cut to a third of the width, the margin left to fit them.
    function shortLabels(layout, data, width) {
        var chars = Math.max(6, Math.floor(width * LABEL_SHARE / CHAR_PX));
        var byAxis = {};
        data.forEach(function (trace) {
            var horizontal = trace.orientation === "h" || trace.type === "heatmap";
            if (!horizontal || !trace.y || (trace.type !== "bar" && trace.type !== "heatmap")) {
                return;
            }
            var key = "yaxis" + String(trace.yaxis || "y").slice(1);
            var values = Array.prototype.slice.call(trace.y);
            if (!values.length || typeof values[0] !== "string") {
                return;
            }
            byAxis[key] = (byAxis[key] || []).concat(values);
        });
        Object.keys(byAxis).forEach(function (key) {
            var seen = {}, values = [];
            byAxis[key].forEach(function (v) { if (!seen[v]) { seen[v] = true; values.push(v); } });
            var axis = copy(layout[key]);
            if (values.some(function (v) { return String(v).length > chars; })) {
                axis.tickmode = "array";
                axis.tickvals = values;
                axis.ticktext = values.map(function (v) { return shortText(v, chars); });
            }
            axis.automargin = true;
            layout[key] = axis;
        });
        if (Object.keys(byAxis).length) {
            var margin = copy(layout.margin);
            margin.l = 12; // automargin widens it to the (cut) labels
            layout.margin = margin;
        }
    }

    // Heatmap columns: "Q3 2026 so far" as "Q3 '26*" upright; the colour bar at the chart's foot.
    function heatmapFits(layout, data) {
        data.forEach(function (trace, i) {
            if (trace.type !== "heatmap" || !trace.x) {
                return;
            }
            var key = "xaxis" + String(trace.xaxis || "x").slice(1);
            var values = Array.prototype.slice.call(trace.x);
            var axis = copy(layout[key]);
            axis.tickmode = "array";
            axis.tickvals = values;
            axis.ticktext = values.map(function (v) {
                return String(v).replace(/^Q(\d) \d\d(\d\d)( so far)?$/, function (_m, q, yy, soFar) {
                    return "Q" + q + " \u2019" + yy + (soFar ? "*" : "");
                });
            });
            axis.tickangle = -90;
            axis.automargin = true;
            layout[key] = axis;
            var bar = copy(trace.colorbar);
            bar.orientation = "h";
            bar.x = 0.5;
            bar.xanchor = "center";
            bar.yref = "container"; // at the foot of the chart, under the upright quarter labels
            bar.y = 0.01;
            bar.yanchor = "bottom";
            bar.thickness = 10;
            bar.len = 0.9;
            bar.title = Object.assign(copy(bar.title), {side: "top"});
            data[i] = Object.assign(copy(trace), {colorbar: bar});
            var margin = copy(layout.margin);
            margin.b = Math.max(margin.b || 0, 150);
            layout.margin = margin;
        });
    }

    function narrowFigure(figure, width, height) {
        var layout = copy(figure.layout);
        var data = (figure.data || []).slice();
        var stacked = stackPanels(layout);
        if (stacked) {
            layout.height = stacked;
        }
        shortLabels(layout, data, width);
        heatmapFits(layout, data);
        wrapTitle(layout, width);
        shortAxisTitles(layout, layout.height || height);
        return Object.assign(copy(figure), {data: data, layout: layout});
    }

    // The box dcc.Graph gave the chart (its style holds the card's height): a stacked figure needs it taller.
    function setBoxHeight(gd, height) {
        var box = gd.parentElement;
        if (!box) {
            return;
        }
        if (height) {
            if (!box.scnTaller) {
                box.scnHeight = box.style.height; // as the page set it (a timeline's grows with its rows)
            }
            box.scnTaller = true;
            box.style.height = height + "px";
        } else if (box.scnTaller) {
            box.scnTaller = false;
            box.style.height = box.scnHeight;
        }
    }

    function laidOut(gd, figure) {
        var mode = modeFor(gd);
        var width = boxWidth(gd);
        gd.scnFigure = figure;
        gd.scnMode = mode;
        gd.scnWidth = width;
        gd.setAttribute("data-chart-mode", mode);
        if (mode === "narrow") {
            var narrow = narrowFigure(figure, width, gd.clientHeight || 360);
            setBoxHeight(gd, narrow.layout.height !== figure.layout.height ? narrow.layout.height : 0);
            return narrow;
        }
        // print: the figure as it is; html.scn-printing keeps its box within the paper (assets/print.css)
        setBoxHeight(gd, 0);
        return figure;
    }

    function patch() {
        var Plotly = window.Plotly;
        if (!Plotly || Plotly.react.scnFitsBox) {
            return;
        }
        var react = Plotly.react;
        Plotly.react = function (gd, figure) {
            var div = typeof gd === "string" ? document.getElementById(gd) : gd;
            if (div && arguments.length === 2 && figure && !Array.isArray(figure) && figure.layout) {
                return react.call(this, gd, laidOut(div, figure));
            }
            return react.apply(this, arguments);
        };
        Plotly.react.scnFitsBox = true;
    }

    // Draws again every chart whose kind of box changed (or, narrow, whose width did), and fits every chart to
    // its box again; resolves once all are drawn.
    function redraw() {
        var Plotly = window.Plotly;
        if (!Plotly) {
            return Promise.resolve();
        }
        var drawn = [];
        document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
            if (!gd.scnFigure) {
                return;
            }
            var mode = modeFor(gd);
            var again = mode !== gd.scnMode || (mode === "narrow" && Math.abs(boxWidth(gd) - gd.scnWidth) > 2);
            var step = again ? Plotly.react(gd, gd.scnFigure) : Promise.resolve();
            drawn.push(step.then(function () { return Plotly.Plots.resize(gd); }));
        });
        return Promise.all(drawn);
    }

    window.scnCharts = {redraw: redraw, NARROW: NARROW};

    var pending = null;
    window.addEventListener("resize", function () {
        clearTimeout(pending);
        pending = setTimeout(redraw, 200);
    });

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", patch);
    } else {
        patch();
    }
})();
