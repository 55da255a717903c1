// Click to filter, by keyboard. A chart whose marks filter the page or open a city (dashboards/shell/click.py:
// the marks carry customdata ["region", name], ["country", ISO-3] or ["city", id]) gets, under it, a
// disclosure per kind ("Filter by region…", "Open a city…") listing its marks as buttons: Tab reaches it,
// Enter or Space opens it and picks a mark. Picking sets the graph's clickData as a mouse click does, so the
// same clientside callback (shell.js followClick) does the same thing: one path, one URL for both.
(function () {
    "use strict";

    var KINDS = {
        region: ["filter_region", "Filter by region…"],
        country: ["filter_country", "Filter by country…"],
        city: ["open_city", "Open a city…"],
    };

    // A kind's words in the reader's language, handed over by the frame (dashboards/i18n/browser.py), else English.
    function words(kind) {
        var element = document.getElementById("scn-words");
        try {
            var all = element ? JSON.parse(element.getAttribute("data-words")) : {};
            return all[KINDS[kind][0]] || KINDS[kind][1];
        } catch (e) {
            return KINDS[kind][1];
        }
    }
    var MARK = "scnKeys"; // the graph's hook is set once (gd.on survives every redraw of the same graph)

    function isPair(value) {
        return Array.isArray(value) && value.length === 2 && typeof value[0] === "string" &&
            Object.prototype.hasOwnProperty.call(KINDS, value[0]) && value[1] !== null && value[1] !== "";
    }

    function firstLine(text) {
        var plain = String(text).split(/<br\s*\/?>/i)[0].replace(/<[^>]*>/g, "").trim();
        return /[A-Za-z\u00C0-\uFFFF0-9]/.test(plain) ? plain : "";
    }

    function pick(list, i) {
        return Array.isArray(list) && list[i] !== undefined && list[i] !== null ? String(list[i]) : "";
    }

    // What a reader calls the mark at `i` (for a heatmap, `i` is its row): the category it stands for on a bar
    // or heatmap, the name on a map.
    function labelOf(trace, i, key) {
        if (trace.type === "heatmap") {
            return pick(trace.y, i) || key;
        }
        if (trace.type === "bar") {
            return pick(trace.orientation === "h" ? trace.y : trace.x, i) || key;
        }
        return pick(trace.text, i) || firstLine(pick(trace.hovertext, i)) || pick(trace.locations, i) || key;
    }

    // {kind: [{key, label}]} from every trace's customdata, each mark once, in label order.
    function marksOf(gd) {
        var found = {};
        var seen = {};
        (gd.data || []).forEach(function (trace) {
            var custom = trace && trace.customdata;
            if (!Array.isArray(custom)) {
                return;
            }
            custom.forEach(function (entry, i) {
                var pairs = isPair(entry) ? [entry] : (Array.isArray(entry) ? entry.filter(isPair) : []);
                pairs.forEach(function (pair) {
                    var id = pair[0] + "\u0000" + pair[1];
                    if (seen[id]) {
                        return;
                    }
                    seen[id] = true;
                    (found[pair[0]] = found[pair[0]] || []).push(
                        {key: String(pair[1]), label: labelOf(trace, i, String(pair[1]))});
                });
            });
        });
        Object.keys(found).forEach(function (kind) {
            found[kind].sort(function (a, b) {
                return a.label.localeCompare(b.label);
            });
        });
        return found;
    }

    function graphId(gd) {
        var holder = gd.parentElement && gd.parentElement.closest("[id]");
        if (!holder) {
            return null;
        }
        var id = holder.id;
        if (id.charAt(0) === "{") {
            try {
                return JSON.parse(id);
            } catch (e) {
                return null;
            }
        }
        return id;
    }

    function follow(gd, kind, key) {
        var id = graphId(gd);
        if (id !== null && window.dash_clientside && window.dash_clientside.set_props) {
            window.dash_clientside.set_props(id, {clickData: {points: [{customdata: [kind, key]}]}});
        }
    }

    function disclosure(gd, kind, marks) {
        var details = document.createElement("details");
        details.className = "chart-keys d-print-none";
        details.dataset.kind = kind;
        var summary = document.createElement("summary");
        summary.textContent = words(kind);
        details.appendChild(summary);
        var list = document.createElement("ul");
        list.setAttribute("aria-label", words(kind).replace("…", ""));
        marks.forEach(function (mark) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "btn btn-sm btn-link chart-key";
            button.textContent = mark.label;
            button.dataset.key = mark.key;
            button.addEventListener("click", function () {
                follow(gd, kind, mark.key);
            });
            item.appendChild(button);
            list.appendChild(item);
        });
        details.appendChild(list);
        return details;
    }

    function refresh(gd) {
        var figure = gd.closest("figure");
        if (!figure || !figure.parentNode) {
            return;
        }
        var marks = marksOf(gd);
        var signature = JSON.stringify(marks);
        if (gd[MARK] === signature) {
            return; // the same marks: leave the lists (and the keyboard's place in them) as they are
        }
        gd[MARK] = signature;
        var holder = figure.nextElementSibling;
        if (!holder || !holder.classList.contains("chart-keys-wrap")) {
            holder = document.createElement("div");
            holder.className = "chart-keys-wrap d-print-none";
            figure.parentNode.insertBefore(holder, figure.nextSibling);
        }
        holder.textContent = "";
        Object.keys(KINDS).forEach(function (kind) {
            if (marks[kind] && marks[kind].length) {
                holder.appendChild(disclosure(gd, kind, marks[kind]));
            }
        });
    }

    function hook() {
        var graphs = document.querySelectorAll(".chart-card .js-plotly-plot");
        for (var i = 0; i < graphs.length; i++) {
            var gd = graphs[i];
            if (gd[MARK] === undefined && typeof gd.on === "function") {
                gd[MARK] = null;
                gd.on("plotly_afterplot", refresh.bind(null, gd));
                refresh(gd);
            }
        }
    }

    var pending = false;

    function schedule() {
        if (!pending) {
            pending = true;
            window.setTimeout(function () {
                pending = false;
                hook();
            }, 150);
        }
    }

    function start() {
        new MutationObserver(schedule).observe(document.body, {childList: true, subtree: true});
        schedule();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
